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

Both are read from the entry's visit (`lifecycle_visits`), which the engine
keeps with the move that ended it and the contact's first sales touch from
the visit's start until its next visit to the same stage (`store.visits`):
pairing every entry with the next move and with its touches, in the query,
sorted millions of moves and touches together per contact.
"""

from __future__ import annotations

import math

import ibis

from embudo.analytics.report import epoch_seconds
from embudo.analytics.source import Source


def answered_entries(source: Source) -> ibis.Table:
    """Every MQL entry (`qualified.mql_entries`' columns: entry_id, contact_id, occurred_at)
    with `answer`, `reason` and `on_time` (null when untouched), read from its visit.

    Read whole: about one visit in five is an entry, and SQLite reads them all in storage
    order faster than it looks each entry's row up through the stage index.
    """
    visits = source.table("lifecycle_visits", whole=True)
    entries = visits.filter(visits.stage == source.spec.handoff.stage)
    waited = epoch_seconds(entries.touched_at) - epoch_seconds(entries.entered_at)
    return entries.select(
        entry_id=entries.transition_id,
        contact_id=entries.contact_id,
        occurred_at=entries.entered_at,
        answer=entries.next_move,
        reason=entries.next_reason,
        on_time=waited <= _allowed_seconds(source),
    )


def _allowed_seconds(source: Source) -> ibis.Value:
    """The first-touch allowance in whole seconds; -1 (nothing is on time) without an SLA."""
    hours = source.spec.sla.first_touch_hours
    return ibis.literal(-1 if hours is None else math.floor(hours * 3600))
