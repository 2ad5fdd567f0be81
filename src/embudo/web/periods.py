"""The periods a page can show: this month, the last 30 days, this quarter, or all history.

Each is a pair of days in the workspace's time zone, both included, up to
today, so it maps straight onto a report's `--from` / `--to` (and
`--compare previous` then compares with the as-long period just before).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from embudo.web.navigation import N_


class Period(StrEnum):
    MONTH = "month"
    LAST_30_DAYS = "30d"
    QUARTER = "quarter"
    ALL = "all"


LABELS = {
    Period.MONTH: N_("This month"),
    Period.LAST_30_DAYS: N_("Last 30 days"),
    Period.QUARTER: N_("This quarter"),
    Period.ALL: N_("All time"),
}


def parse_period(text: str | None, default: Period = Period.MONTH) -> Period:
    """The period named by `text`; the default for anything else (a link should never break)."""
    try:
        return Period(text) if text else default
    except ValueError:
        return default


def period_days(period: Period, today: date) -> tuple[date | None, date | None]:
    """First and last day of `period` as of `today`; (None, None) for all history."""
    if period is Period.MONTH:
        return today.replace(day=1), today
    if period is Period.LAST_30_DAYS:
        return today - timedelta(days=29), today
    if period is Period.QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return today.replace(month=first_month, day=1), today
    return None, None


def earlier_days(period: Period, today: date, count: int) -> list[date]:
    """The `count` days before `today` (latest first) on which `period` was the same period:
    for this month or quarter, only days of this month or quarter, so that last quarter's
    figures never stand in for this one's; rolling periods keep every day."""
    days = [today - timedelta(days=back) for back in range(1, count + 1)]
    if period in (Period.MONTH, Period.QUARTER):
        first = period_days(period, today)[0]
        return [day for day in days if period_days(period, day)[0] == first]
    return days
