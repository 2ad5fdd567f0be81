"""Visits to a stage, and the moment a report looks at: what time-in-stage and stalled share.

A visit starts with a move into a stage (a lifecycle transition of a
contact, a stage-history row of a deal) and ends with the subject's next
move, whatever it is — forward, backward or to the same stage. A subject
that left a stage and came back has two visits. A visit not ended by the
report's moment is **open** and is measured up to that moment, so a stage
where subjects sit and never leave does not look fast. A deal's visits are
paired in the query (`visits`); a contact's are read from the
`lifecycle_visits` cache the engine keeps (`cached_visits`), because pairing
millions of lifecycle moves sorts them all.
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


def visits(moves: ibis.Table, subject: str, moment: datetime) -> ibis.Table:
    """One row per move before `moment`: the subject, `stage`, `entered_at`, `seconds`, `open`.

    `moves` has the subject column, `to_stage`, `occurred_at` and `id` (the
    tie-break between moves at the same instant). Moves at or after `moment`
    have not happened yet, so a visit they end is still open. Each move's next
    one is found among all moves and kept when it came before `moment` (the
    same thing, moves being in time order), so a store reads the moves in
    its per-subject index order instead of sorting the ones before `moment`.
    """
    order = time_order(moves)
    left_at = moves.occurred_at.lead().over(group_by=moves[subject], order_by=order)
    stepped = moves.mutate(left_at=left_at)
    seen = stepped.filter(stepped.occurred_at < moment)
    still = seen.left_at.isnull() | (seen.left_at >= moment)
    until = ibis.ifelse(still, ibis.literal(floored(moment)), epoch_seconds(seen.left_at))
    return seen.select(
        subject,
        stage=seen.to_stage,
        entered_at=seen.occurred_at,
        seconds=until - epoch_seconds(seen.occurred_at),
        open=still,
    )


def cached_visits(cached: ibis.Table, moment: datetime) -> ibis.Table:
    """`visits` of contacts, from the `lifecycle_visits` rows the engine keeps: each move
    with when it was left and after how many whole seconds (`store.visits`)."""
    seen = cached.filter(cached.entered_at < moment)
    still = seen.left_at.isnull() | (seen.left_at >= moment)
    until_now = ibis.literal(floored(moment)) - epoch_seconds(seen.entered_at)
    return seen.select(
        "contact_id",
        "stage",
        "entered_at",
        seconds=ibis.ifelse(still, until_now, seen.seconds.cast("int64")),
        open=still,
    )


def time_order(moves: ibis.Table) -> list[ibis.Value]:
    """`occurred_at`, then `id`: the order of a subject's moves, as the store's index holds it.

    Both columns are never null; saying nulls come first (SQLite's own order)
    keeps Ibis from asking for nulls last, which SQLite's index cannot give
    without sorting again.
    """
    return [ibis.asc(moves.occurred_at, nulls_first=True), ibis.asc(moves.id, nulls_first=True)]


def floored(moment: datetime) -> int:
    """`moment` in whole epoch seconds, floored like `epoch_seconds` floors stored moments."""
    return math.floor(moment.timestamp())
