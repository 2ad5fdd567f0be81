"""Reports that are monthly by nature (`sla`, `lead-velocity`): the calendar months of a window.

The months are computed in Python in the workspace's zone by the same code
as `--by month` (`windows.py`), then handed to the engine as literal UTC
instants: one query labels each row with its month (`month_label`), so a
report over two years is one query, not twenty-four.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import ibis

from embudo.analytics.params import Dimension, DimensionKind, ReportParams
from embudo.analytics.report import during, history_span
from embudo.analytics.source import Source
from embudo.analytics.windows import Window, windows

MONTH = Dimension(kind=DimensionKind.MONTH)


def months_of(source: Source, window: Window) -> list[Window]:
    """The calendar months of `window` (clipped to it).

    An open side is the whole first or last month with history: all history
    is whole months, so a month's target is never cut short by its last event.
    """
    monthly = ReportParams(from_=window.first_day, to=window.last_day, by=MONTH)
    return windows(monthly, source.timezone, lambda: _whole_months(history_span(source)))


def _whole_months(span: tuple[date, date] | None) -> tuple[date, date] | None:
    if span is None:
        return None
    first, last = span
    return first.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])


def month_before(source: Source, month: Window) -> Window:
    """The whole calendar month before the one `month` falls in."""
    assert month.first_day is not None
    last = month.first_day.replace(day=1) - timedelta(days=1)
    whole = ReportParams(from_=last.replace(day=1), to=last, by=MONTH)
    [previous] = windows(whole, source.timezone, lambda: None)
    return previous


def month_label(moments: ibis.Value, months: list[Window]) -> ibis.Value:
    """`YYYY-MM` of the month each moment falls in, null outside all of `months`.

    The months follow each other, so a moment inside them is placed by halving
    them (`_halving`): five comparisons for two years, where testing each month
    in turn costs up to 48 per row, on every one of a million rows.
    """
    span = Window(start=months[0].start, end=months[-1].end)
    return ibis.ifelse(during(moments, span), _halving(moments, months), ibis.null("string"))


def _halving(moments: ibis.Value, months: list[Window]) -> ibis.Value:
    """The label of the month among `months` (one after the other) a moment inside them is in."""
    if len(months) == 1:
        return ibis.literal(months[0].labels["month"])
    half = len(months) // 2
    boundary = months[half].start
    assert boundary is not None and boundary == months[half - 1].end, "months follow each other"
    return ibis.ifelse(
        moments < boundary, _halving(moments, months[:half]), _halving(moments, months[half:])
    )
