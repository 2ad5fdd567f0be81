"""Reports that are monthly by nature (`sla`, `lead-velocity`): the calendar months of a window.

The months are computed in Python in the workspace's zone by the same code
as `--by month` (`windows.py`), then handed to the engine as literal UTC
instants: one query labels each row with its month (`month_label`), so a
report over two years is one query, not twenty-four.
"""

from __future__ import annotations

from datetime import timedelta

import ibis

from embudo.analytics.params import Dimension, DimensionKind, ReportParams
from embudo.analytics.report import during, history_span
from embudo.analytics.source import Source
from embudo.analytics.windows import Window, windows

MONTH = Dimension(kind=DimensionKind.MONTH)


def months_of(source: Source, window: Window) -> list[Window]:
    """The calendar months of `window` (clipped to it); an open side ends where history does."""
    monthly = ReportParams(from_=window.first_day, to=window.last_day, by=MONTH)
    return windows(monthly, source.timezone, lambda: history_span(source))


def month_before(source: Source, month: Window) -> Window:
    """The whole calendar month before the one `month` falls in."""
    assert month.first_day is not None
    last = month.first_day.replace(day=1) - timedelta(days=1)
    whole = ReportParams(from_=last.replace(day=1), to=last, by=MONTH)
    [previous] = windows(whole, source.timezone, lambda: None)
    return previous


def month_label(moments: ibis.Value, months: list[Window]) -> ibis.Value:
    """`YYYY-MM` of the month each moment falls in, null outside all of `months`."""
    branches = [(during(moments, month), month.labels["month"]) for month in months]
    return ibis.cases(*branches, else_=ibis.null("string"))
