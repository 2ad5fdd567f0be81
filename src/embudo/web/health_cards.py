"""The four health metrics of the seeds as cards: value now, value before, change.

Built from the `health` report's rows with `--compare previous` (a `period`
column of `current` / `previous`); without a comparison, there is no change
to show. Whether a change is good depends on the metric: more open deals, a
higher win rate and larger deals are better, more days to close is worse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from embudo.analytics.report import Row
from embudo.web.formats import Formats
from embudo.web.navigation import N_


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool


METRICS = (
    Metric("open_deals", N_("Deals in the pipeline"), True),
    Metric("avg_deal_size", N_("Average deal size"), True),
    Metric("win_rate", N_("Win rate"), True),
    Metric("avg_days_to_close", N_("Average days to close"), False),
)


@dataclass(frozen=True, slots=True)
class Card:
    label: str
    value: str
    previous: str | None
    change: str | None
    trend: str
    """`better`, `worse` or `same`: the colour of the change, never the only sign of it."""


def health_cards(rows: list[Row], formats: Formats, currency: str) -> list[Card]:
    """One card per metric; rows of a comparison carry a `period` column."""
    current = _period_row(rows, "current")
    previous = _period_row(rows, "previous") if any("period" in row for row in rows) else None
    show = _shower(formats, currency)
    return [_card(metric, current, previous, show, formats) for metric in METRICS]


def _period_row(rows: list[Row], period: str) -> Row:
    """The row of `period` (the only row without a comparison); an empty one when none."""
    for row in rows:
        if row.get("period", "current") == period:
            return row
    return {}


def _shower(formats: Formats, currency: str) -> Callable[[str, Any], str]:
    def show(key: str, value: Any) -> str:
        if key == "win_rate":
            return formats.percent(value)
        if key == "avg_deal_size":
            return formats.money(value, currency)
        return formats.number(value, 1 if key == "avg_days_to_close" else 0)

    return show


def _card(
    metric: Metric, now: Row, before: Row | None, show: Callable[[str, Any], str], formats: Formats
) -> Card:
    value = _value(metric, now)
    if before is None:
        return Card(metric.label, show(metric.key, value), None, None, "same")
    old = _value(metric, before)
    trend = trend_of(value, old, metric.higher_is_better)
    return Card(
        metric.label,
        show(metric.key, value),
        show(metric.key, old),
        formats.change(value, old),
        trend,
    )


def _value(metric: Metric, row: Row) -> Any:
    """A missing row means no deals: zero open deals, no average or rate."""
    return row.get(metric.key, 0 if metric.key == "open_deals" else None)


def trend_of(value: Any, old: Any, higher_is_better: bool) -> str:
    """`better`, `worse` or `same` (also when either side is unknown)."""
    if value is None or old is None or value == old:
        return "same"
    return "better" if (value > old) == higher_is_better else "worse"
