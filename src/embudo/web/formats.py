"""Numbers, percentages, money and dates as people of the chosen language write them (Babel).

One `Formats` per request, bound to its locale; templates reach it as filters
(`{{ value | number }}`), so no template formats anything by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from embudo.domain.metrics import relative_change

Number = int | float | Decimal
DASH = "—"
"""What an empty value shows: a rate with no denominator, an average of nothing."""


@dataclass(frozen=True, slots=True)
class Formats:
    """Formatters for one locale and time zone."""

    locale: Locale
    zone: ZoneInfo

    def number(self, value: Number | None, digits: int = 0) -> str:
        """A count or a quantity: `1,234` in English, `1.234` in Spanish and Italian."""
        if value is None:
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: Number | None) -> str:
        """A fraction as a percentage with one decimal: `12.5%`, `12,5 %`."""
        if value is None:
            return DASH
        return format_percent(value, format=_percent_pattern(self.locale), locale=self.locale)

    def money(self, value: Number | None, currency: str) -> str:
        """An amount in `currency`: `€1,200.50`, `1.200,50 €`."""
        if value is None:
            return DASH
        return format_currency(value, currency, locale=self.locale)

    def day(self, value: date | datetime | None) -> str:
        """A day, medium length: `Mar 31, 2026`, `31 mar 2026`; a moment in the workspace's zone."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return format_date(value, format="medium", locale=self.locale)

    def month(self, text: str) -> str:
        """A report's month label (`2026-03`) as the language writes it: `Mar 2026`, `mar 2026`."""
        first = date.fromisoformat(f"{text}-01")
        return format_skeleton("yMMM", first, locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        """A moment to the minute, in the workspace's zone."""
        if value is None:
            return DASH
        return format_datetime(value, format="short", tzinfo=self.zone, locale=self.locale)

    def change(self, current: Number | None, previous: Number | None) -> str:
        """The relative change from `previous` to `current`, signed (`+12.5%`); a dash from zero."""
        ratio = None if current is None or previous is None else relative_change(current, previous)
        if ratio is None:
            return DASH
        pattern = _percent_pattern(self.locale)
        return format_percent(ratio, format=f"+{pattern};-{pattern}", locale=self.locale)


def _percent_pattern(locale: Locale) -> str:
    """The locale's own percent pattern (`#,##0%`, `#,##0 %`) with one decimal added."""
    pattern = str(locale.percent_formats[None].pattern).split(";")[0]
    return re.sub(r"0(?=[^0#]*$)", "0.0", pattern, count=1)
