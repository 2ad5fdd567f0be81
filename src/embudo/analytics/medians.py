"""A group's median on SQLite, which has no median aggregate of its own.

DuckDB (`quantile_cont`) and PostgreSQL (`percentile_cont`) give an exact
median, for an even count the mean of the middle two. SQLite hands each
group's values over as one JSON array (its own `json_group_array`, filled
as the rows stream past, where numbering every row in sorted order would
sort them all in the database), and NumPy picks the middle one or two
without sorting the rest: the same number.
"""

from __future__ import annotations

import ibis
import numpy as np

from embudo.domain import metrics


def _json_group_array_signature(value: int) -> str:
    """SQLite's `json_group_array(X)`: the group's values as one JSON array."""
    raise NotImplementedError("SQLite's own aggregate, compiled into the query")


json_group_array = ibis.udf.agg.builtin(_json_group_array_signature, name="json_group_array")


def median_days(values: str) -> float | None:
    """The median of a JSON array of whole seconds, in days; none for an empty array."""
    seconds = np.fromstring(values[1:-1], dtype=np.int64, sep=",")
    count = len(seconds)
    if count == 0:
        return None
    middle = sorted({(count - 1) // 2, count // 2})
    picked = np.partition(seconds, middle)[middle]
    return metrics.median_days(int(picked.sum()), len(middle))
