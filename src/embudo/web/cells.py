"""How a report cell reads on screen, by its column: rates as %, money, counts, stage names.

Generic on purpose: the reports page shows every registered report, also ones
added later, so a column is recognised by its name (`*_rate`, `conversion`,
`value`, ...) rather than by which report it came from. Channels show their
label from the funnel definition, months as the language writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from embudo.domain.spec import FunnelSpec
from embudo.web.conversions import channel_label
from embudo.web.formats import DASH, Formats
from embudo.web.vocabulary import stage_name

RATES = frozenset({"conversion", "probability", "compliance"})
MONEY = frozenset({"avg_deal_size", "value", "weighted_value", "velocity_per_day", "revenue"})
STAGES = frozenset({"stage", "from_stage", "to_stage"})

Cell = Callable[[str, Any], tuple[str, bool]]
"""(column, value) → (text, whether it is a number, right-aligned)."""


def is_rate(column: str) -> bool:
    """`conversion`, `win_rate`, `win_rate_value`, `close_ratio`, `first_touch_compliance`..."""
    words = column.split("_")
    return column in RATES or bool({"rate", "ratio", "compliance"} & set(words))


def cell_formatter(language: str, spec: FunnelSpec, formats: Formats) -> Cell:
    """The cell formatter of one page: the reader's language, the workspace's currency."""

    channels = channel_label(spec)

    def cell(column: str, value: Any) -> tuple[str, bool]:
        if value is None:
            return DASH, False
        if column in STAGES and isinstance(value, str):
            return stage_name(language, spec, value), False
        if column == "channel":
            return channels(str(value)), False
        if column == "month" and isinstance(value, str):
            return formats.month(value), False
        return _value(column, value, formats, spec.currency)

    return cell


def _value(column: str, value: Any, formats: Formats, currency: str) -> tuple[str, bool]:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return (formats.day(value), False) if isinstance(value, date) else (str(value), False)
    if is_rate(column):
        return formats.percent(value), True
    if column in MONEY or column.endswith(("_value", "_amount")):
        return formats.money(value, currency), True
    digits = 0 if isinstance(value, int) else 1
    return formats.number(value, digits), True
