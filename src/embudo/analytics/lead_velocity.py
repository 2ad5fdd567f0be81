"""`lead-velocity`: qualified leads per month and their month-over-month growth.

Lead velocity is the leading indicator of the funnel: MQL entries this month
against last month. Always per calendar month (the report makes the months
itself, so it takes no `--by month`); the first month of the period is
compared with the month before it, even when that month is outside the
period. A group shows every month of the period, zeros included, so a
month with no qualified lead after a good one reads as -100%, not a gap.
"""

from __future__ import annotations

from collections import Counter

from embudo.analytics.dimensions import group_keys
from embudo.analytics.months import month_before, month_label, months_of
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, ReportParams
from embudo.analytics.qualified import entries_by
from embudo.analytics.report import Report, Row, sort_rows
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.domain import metrics

COLUMNS = ("month", "mqls", "previous_mqls", "growth_rate")

Key = tuple[object, ...]


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """One row per month of the window (per dimension value with `--by`)."""
    months = months_of(source, window)
    if not months:
        return []
    labels = [month.labels["month"] for month in months]
    previous = month_before(source, months[0])
    counts = _counts(source, [previous, *months], params)
    groups = sorted({key[:-1] for key in counts}, key=repr)
    keys = group_keys(params.by)
    last = [previous.labels["month"], *labels]
    rows = [
        _row(keys, group, month, counts[(*group, month)], counts[(*group, before)])
        for group in groups
        for before, month in zip(last, labels, strict=False)
    ]
    return sort_rows(rows, [*keys, "month"])


def _counts(source: Source, months: list[Window], params: ReportParams) -> Counter[Key]:
    """MQL entries per (dimension value, month)."""
    keys = group_keys(params.by)
    entries = entries_by(source, params.by)
    labelled = entries.mutate(month=month_label(entries.occurred_at, months))
    inside = labelled.filter(labelled.month.notnull())
    query = inside.group_by([*keys, "month"]).aggregate(mqls=inside.entry_id.count())
    found: Counter[Key] = Counter()
    for row in source.rows(query):
        found[(*(row[key] for key in keys), row["month"])] = int(row["mqls"])
    return found


def _row(keys: list[str], group: Key, month: str, mqls: int, previous: int) -> Row:
    return {
        **dict(zip(keys, group, strict=True)),
        "month": month,
        "mqls": mqls,
        "previous_mqls": previous,
        "growth_rate": metrics.relative_change(mqls, previous),
    }


REPORT = Report(
    name="lead-velocity",
    summary="Qualified leads (MQL entries) per month and month-over-month growth",
    columns=COLUMNS,
    # Monthly by nature, and about contacts: neither `month` nor `pipeline`.
    dimensions=EVERY_DIMENSION - {DimensionKind.MONTH, DimensionKind.PIPELINE},
    compute=compute,
)
