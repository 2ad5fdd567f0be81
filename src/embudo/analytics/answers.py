"""What became of each MQL entry: sales' answer and the first touch, read from history.

An entry's **answer** is the contact's next lifecycle move after it — the
move out of the hand-off stage: `accept`, `reject` (with its reason), or
anything else (qualified on by itself, recycled, a deal); none while the
contact is still waiting. It is read from all recorded history, so the
answer to a March MQL given in April counts for March.

An entry's **first touch** follows `domain.sla`: the first sales activity
(a completed call, meeting or email task, an accept or a reject) at or after
the entry and before the contact's next entry, which owes its own. It is on
time when it came at most `sla.first_touch_hours` after the entry, measured
in whole seconds (floored epoch seconds, as every engine can).
"""

from __future__ import annotations

import math

import ibis

from embudo.analytics.report import epoch_seconds
from embudo.analytics.source import Source
from embudo.domain.sla import SALES_ACTIVITIES, SALES_MOVES


def answered_entries(source: Source, entries: ibis.Table) -> ibis.Table:
    """`entries` (from `qualified.mql_entries`) with `answer`, `reason` and `on_time`."""
    answers = _answers(source)
    found = entries.join(answers, entries.entry_id == answers.answered_id).drop("answered_id")
    touched = _first_touches(source, found)
    with_touch = found.left_join(touched, found.entry_id == touched.touched_id)
    return with_touch.drop("touched_id", "next_entry_at")


def _answers(source: Source) -> ibis.Table:
    """For each entry: the next move of its contact, its reason, and the contact's next entry."""
    moves = source.table("lifecycle_transitions")
    by_contact = ibis.window(group_by=moves.contact_id, order_by=[moves.occurred_at, moves.id])
    ranked = moves.mutate(
        answer=moves.move.lead().over(by_contact), reason=moves.reason.lead().over(by_contact)
    )
    entries = ranked.filter(ranked.to_stage == source.spec.handoff.stage)
    following = ibis.window(group_by=entries.contact_id, order_by=[entries.occurred_at, entries.id])
    return entries.select(
        answered_id=entries.id,
        answer=entries.answer,
        reason=entries.reason,
        next_entry_at=entries.occurred_at.lead().over(following),
    )


def _first_touches(source: Source, entries: ibis.Table) -> ibis.Table:
    """touched_id (the entry) and on_time, for the entries sales touched at all."""
    touches = _touches(source)
    joined = entries.join(
        touches,
        [
            entries.contact_id == touches.touch_contact_id,
            touches.touched_at >= entries.occurred_at,
            entries.next_entry_at.isnull() | (touches.touched_at < entries.next_entry_at),
        ],
    )
    waited = epoch_seconds(joined.touched_at) - epoch_seconds(joined.occurred_at)
    first = joined.group_by(touched_id=joined.entry_id).aggregate(waited=waited.min())
    return first.select("touched_id", on_time=first.waited <= _allowed_seconds(source))


def _touches(source: Source) -> ibis.Table:
    """Every sales touch: touch_contact_id, touched_at."""
    tasks = source.table("tasks")
    done = tasks.filter(
        tasks.completed_at.notnull(),
        tasks.kind.isin([kind.value for kind in SALES_ACTIVITIES]),
        tasks.contact_id.notnull(),
    ).select(touch_contact_id=tasks.contact_id, touched_at=tasks.completed_at)
    done = done.cast({"touch_contact_id": "int64", "touched_at": "timestamp"})
    moves = source.table("lifecycle_transitions")
    answers = moves.filter(moves.move.isin([move.value for move in SALES_MOVES])).select(
        touch_contact_id=moves.contact_id, touched_at=moves.occurred_at
    )
    answers = answers.cast({"touch_contact_id": "int64", "touched_at": "timestamp"})
    return done.union(answers, distinct=False)


def _allowed_seconds(source: Source) -> ibis.Value:
    """The first-touch allowance in whole seconds; -1 (nothing is on time) without an SLA."""
    hours = source.spec.sla.first_touch_hours
    return ibis.literal(-1 if hours is None else math.floor(hours * 3600))
