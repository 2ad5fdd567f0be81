"""The overview's periods: which earlier days were the same period (their figures may stand in)."""

from __future__ import annotations

from datetime import date

from embudo.web.periods import Period, earlier_days, period_days


def test_a_calendar_period_stands_in_only_with_its_own_earlier_days() -> None:
    assert earlier_days(Period.MONTH, date(2026, 4, 3), 7) == [date(2026, 4, 2), date(2026, 4, 1)]
    assert earlier_days(Period.QUARTER, date(2026, 4, 1), 7) == [], "last quarter is another"
    assert period_days(Period.QUARTER, date(2026, 5, 1))[0] == date(2026, 4, 1)
    assert len(earlier_days(Period.QUARTER, date(2026, 5, 1), 7)) == 7


def test_a_rolling_period_stands_in_with_every_earlier_day() -> None:
    days = earlier_days(Period.LAST_30_DAYS, date(2026, 4, 1), 3)
    assert days == [date(2026, 3, 31), date(2026, 3, 30), date(2026, 3, 29)]
