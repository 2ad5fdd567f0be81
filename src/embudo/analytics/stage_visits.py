"""Visits to a stage, and the moment a report looks at: what time-in-stage and stalled share.

A visit starts with a move into a stage (a lifecycle transition of a
contact, a stage-history row of a deal) and ends with the subject's next
move, whatever it is — forward, backward or to the same stage. A subject
that left a stage and came back has two visits. A visit not ended by the
report's moment is **open** and is measured up to that moment, so a stage
where subjects sit and never leave does not look fast. Contacts' and
deals' visits are read from the caches the engine keeps (`lifecycle_visits`,
`deal_visits`: `cached_visits`), because pairing millions of moves with the
next one sorts them all.
"""

from __future__ import annotations

import math
from datetime import datetime

import ibis

from embudo.analytics.report import epoch_seconds
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.domain.errors import InvalidInput


def as_of(source: Source, window: Window) -> datetime:
    """The moment a report sees: the period's end, or now when that comes first (or no end).

    A past period is seen as it stood at its end, so its numbers never change;
    a period ending in the future (or an open one) is seen as it stands now.
    """
    ends = [moment for moment in (window.end, source.now) if moment is not None]
    if not ends:
        raise InvalidInput(
            "this report looks at what is open now: pass now to run_report (the CLI does), "
            "or give --to"
        )
    return min(ends)


def cached_visits(cached: ibis.Table, moment: datetime, *subject: str) -> ibis.Table:
    """One row per move before `moment` from a cache the engine keeps (`lifecycle_visits`,
    `deal_visits`: each move with when it was left and after how many whole seconds): the
    `subject` columns (`contact_id`; `deal_id`, `pipeline`), `stage`, `entered_at`,
    `seconds`, `open`. Moves at or after `moment` have not happened yet, so a visit they
    end is still open, measured up to `moment`."""
    seen = cached.filter(cached.entered_at < moment)
    still = seen.left_at.isnull() | (seen.left_at >= moment)
    until_now = ibis.literal(floored(moment)) - epoch_seconds(seen.entered_at)
    return seen.select(
        *subject,
        "stage",
        "entered_at",
        seconds=ibis.ifelse(still, until_now, seen.seconds.cast("int64")),
        open=still,
    )


def floored(moment: datetime) -> int:
    """`moment` in whole epoch seconds, floored like `epoch_seconds` floors stored moments."""
    return math.floor(moment.timestamp())
