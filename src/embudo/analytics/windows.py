"""The periods a report is computed over: its own, the previous one, or each of its months.

Dates are days in the workspace's time zone; they are turned into UTC
instants here, in Python, so no engine has to know about time zones:
`--from 2024-03-01 --to 2024-03-31` in Europe/Madrid is the half-open span
[2024-02-29T23:00Z, 2024-03-31T22:00Z). `--by month` runs the report once per
calendar month of the period (months in the workspace's zone too), which
works identically on every engine and keeps each report's query simple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from embudo.analytics.params import Dimension, DimensionKind, ReportParams


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in UTC; None leaves that side open. `labels` are extra result columns."""

    start: datetime | None = None
    end: datetime | None = None
    labels: dict[str, str] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None


Span = Callable[[], tuple[date, date] | None]
"""The first and last day with history, for `--by month` without a period."""


def windows(params: ReportParams, zone: ZoneInfo, span: Span) -> list[Window]:
    """The windows to run: the period (and the previous one), split into months if asked."""
    periods = _periods(params)
    if _by_month(params.by):
        known = [filled for period in periods if (filled := _filled(period, span)) is not None]
        return [month for period in known for month in _months(period, zone)]
    return [_window(first, last, labels, zone) for first, last, labels in periods]


_Period = tuple[date | None, date | None, dict[str, str]]


def _periods(params: ReportParams) -> list[_Period]:
    if params.compare is None or params.from_ is None or params.to is None:
        return [(params.from_, params.to, {})]
    length = params.to - params.from_ + timedelta(days=1)
    return [
        (params.from_, params.to, {"period": "current"}),
        (params.from_ - length, params.to - length, {"period": "previous"}),
    ]


def _by_month(by: Dimension | None) -> bool:
    return by is not None and by.kind is DimensionKind.MONTH


def _filled(period: _Period, span: Span) -> _Period | None:
    """A period with both ends: an open end is where the history begins or ends.

    None when an end is open and there is no history at all: no month to show.
    """
    first, last, labels = period
    if first is not None and last is not None:
        return period
    known = span()
    if known is None:
        return None
    return (first or known[0], last or known[1], labels)


def _months(period: _Period, zone: ZoneInfo) -> list[Window]:
    first, last, labels = period
    assert first is not None and last is not None
    found = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        start, end = max(first, month), min(last, following - timedelta(days=1))
        found.append(_window(start, end, {**labels, "month": month.strftime("%Y-%m")}, zone))
        month = following
    return found


def _window(
    first: date | None, last: date | None, labels: dict[str, str], zone: ZoneInfo
) -> Window:
    start = None if first is None else instant(first, zone)
    end = None if last is None else instant(last + timedelta(days=1), zone)
    return Window(start, end, labels, first, last)


def instant(day: date, zone: ZoneInfo) -> datetime:
    """Midnight starting `day` in `zone`, as a UTC instant."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
