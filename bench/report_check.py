"""Do a report's rows say what its ceiling query says? Rows matched by their text columns.

The ceiling's columns are checked in the report's rows: rows are paired by
the ceiling's text columns (all text or null in every ceiling row — stage,
pipeline, from/to, month, model) and identifiers (`*_id`: `stalled`'s deal
rows under their stage row), and each number must agree to 1e-9 relative (a
float division done by DuckDB against the same one done in Python), or to
half a cent for the amounts `domain.metrics` rounds to the cent (the ceiling
leaves most of them unrounded). Counts, being integers, must be equal.
"""

from __future__ import annotations

import math
from typing import Any

CENTS = frozenset(
    {
        "avg_deal_size",
        "weighted_value",
        "weighted_amount",
        "revenue",
        "cost_per_lead",
        "cost_per_mql",
        "cac",
    }
)
"""Columns the report rounds to the cent (half-even) and the ceiling does not."""
RELATIVE = 1e-9

Row = dict[str, Any]


def differences(report: list[Row], ceiling: list[Row]) -> list[str]:
    """What differs, one line per difference; empty when the report agrees with the ceiling."""
    if not ceiling:
        return [] if not report else [f"{len(report)} report rows, the ceiling has none"]
    texts = [column for column in ceiling[0] if _is_key(column, ceiling)]
    by_key = {_key(row, texts): row for row in report}
    found = [] if len(report) == len(ceiling) else [f"{len(report)} rows against {len(ceiling)}"]
    for expected in ceiling:
        got = by_key.get(_key(expected, texts))
        if got is None:
            found.append(f"no report row for {_key(expected, texts)}")
            continue
        found += [
            f"{_key(expected, texts)} {column}: report {got.get(column)!r}, ceiling {value!r}"
            for column, value in expected.items()
            if column not in texts and not _agree(column, got.get(column), value)
        ]
    return found


def _is_key(column: str, ceiling: list[Row]) -> bool:
    """Text (or null) in every ceiling row, or an identifier."""
    text = all(row[column] is None or isinstance(row[column], str) for row in ceiling)
    return text or column.endswith("_id")


def _key(row: Row, texts: list[str]) -> tuple[Any, ...]:
    return tuple(row.get(column) for column in texts)


def _agree(column: str, got: Any, expected: Any) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    mine, theirs = float(got), float(expected)
    if column in CENTS:
        return abs(mine - theirs) <= 0.005 + RELATIVE * abs(theirs)
    return math.isclose(mine, theirs, rel_tol=RELATIVE, abs_tol=RELATIVE)
