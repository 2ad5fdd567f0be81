"""`sla`: the agreement between the teams, month by month (seeds 003, 000).

Per calendar month: qualified leads marketing delivered (MQL entries) against
`sla.mql_per_month`; how sales answered them (accepted, rejected and why);
whether sales touched them within `sla.first_touch_hours`; and deals won per
qualified lead against `sla.close_ratio` ("5 of every 20"). Entries are
counted in the month they happened, their answers and touches whenever they
came (`answers.py`); wins in the month the deal was won.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from embudo.analytics.answers import answered_entries
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.months import month_label, months_of
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, ReportParams
from embudo.analytics.qualified import entries_by
from embudo.analytics.report import Report, Row, sort_rows
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.analytics.wins import won_deals
from embudo.domain import metrics
from embudo.domain.lifecycle import MoveType
from embudo.domain.spec import Sla

COLUMNS = (
    "month",
    "mqls",
    "mql_target",
    "mql_attainment_rate",
    "accepted",
    "rejected",
    "acceptance_rate",
    "rejection_reasons",
    "touched_in_time",
    "first_touch_rate",
    "won_deals",
    "close_rate",
    "close_rate_target",
)

Key = tuple[Any, ...]


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """One row per month of the window (per dimension value with `--by`)."""
    months = months_of(source, window)
    if not months:
        return []
    keys = group_keys(params.by)
    entries = _entry_counts(source, months, params)
    wins = _win_counts(source, months, params)
    groups = sorted({key[:-1] for key in [*entries, *wins]}, key=repr)
    rows = [
        _row(
            source.spec.sla,
            keys,
            group,
            month,
            Answered.of(entries.get((*group, _label(month)), [])),
            wins[(*group, _label(month))],
        )
        for group in groups
        for month in months
    ]
    return sort_rows(rows, [*keys, "month"])


def _label(month: Window) -> str:
    return month.labels["month"]


Outcome = tuple[str | None, str | None, bool | None, int]
"""An answer, its reason, whether the first touch was on time, and how many entries."""


def _entry_counts(
    source: Source, months: list[Window], params: ReportParams
) -> dict[Key, list[Outcome]]:
    """Per (dimension value, month): the entries counted by answer, reason and touch."""
    keys = group_keys(params.by)
    entries = entries_by(source, params.by, answered_entries(source))
    labelled = entries.mutate(month=month_label(entries.occurred_at, months))
    inside = labelled.filter(labelled.month.notnull())
    outcome = ["answer", "reason", "on_time"]
    query = inside.group_by([*keys, "month", *outcome]).aggregate(count=inside.entry_id.count())
    found: dict[Key, list[Outcome]] = defaultdict(list)
    for row in source.rows(query):
        key = (*(row[column] for column in keys), row["month"])
        found[key].append((row["answer"], row["reason"], row["on_time"], int(row["count"])))
    return found


def _win_counts(source: Source, months: list[Window], params: ReportParams) -> Counter[Key]:
    """Deals won per (dimension value, month), grouped by the deal's own channel and owner."""
    keys = group_keys(params.by)
    won = with_dimension(source, won_deals(source), params.by)
    labelled = won.mutate(month=month_label(won.won_at, months))
    inside = labelled.filter(labelled.month.notnull())
    query = inside.group_by([*keys, "month"]).aggregate(count=inside.deal_id.nunique())
    return Counter(
        {
            (*(row[key] for key in keys), row["month"]): int(row["count"])
            for row in source.rows(query)
        }
    )


@dataclass(slots=True)
class Answered:
    """A month's MQL entries as sales answered and touched them."""

    mqls: int = 0
    accepted: int = 0
    rejected: int = 0
    in_time: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> Answered:
        found = cls()
        for answer, reason, on_time, count in outcomes:
            found.mqls += count
            found.accepted += count if answer == MoveType.ACCEPT else 0
            found.rejected += count if answer == MoveType.REJECT else 0
            found.in_time += count if on_time else 0
            if answer == MoveType.REJECT:
                found.reasons[reason or ""] += count
        return found


def _row(sla: Sla, keys: list[str], group: Key, month: Window, entries: Answered, won: int) -> Row:
    mqls = entries.mqls
    target = None if keys else metrics.monthly_target(sla.mql_per_month, *_days(month))
    touched = None if sla.first_touch_hours is None else entries.in_time
    return {
        **dict(zip(keys, group, strict=True)),
        "month": _label(month),
        "mqls": mqls,
        "mql_target": target,
        "mql_attainment_rate": metrics.attainment(mqls, target),
        "accepted": entries.accepted,
        "rejected": entries.rejected,
        "acceptance_rate": metrics.share(entries.accepted, mqls),
        "rejection_reasons": metrics.tally(entries.reasons),
        "touched_in_time": touched,
        "first_touch_rate": None if touched is None else metrics.share(touched, mqls),
        "won_deals": won,
        "close_rate": metrics.share(won, mqls),
        "close_rate_target": sla.close_ratio,
    }


def _days(month: Window) -> tuple[int, int]:
    """Days of the month inside the window, and days in the whole calendar month."""
    assert month.first_day is not None and month.last_day is not None
    first = month.first_day
    return (month.last_day - first).days + 1, calendar.monthrange(first.year, first.month)[1]


REPORT = Report(
    name="sla",
    summary="Per month: MQLs vs target, acceptance and rejection reasons, first touch, closes",
    columns=COLUMNS,
    # Monthly by nature, and about contacts: neither `month` nor `pipeline`.
    dimensions=EVERY_DIMENSION - {DimensionKind.MONTH, DimensionKind.PIPELINE},
    compute=compute,
)
