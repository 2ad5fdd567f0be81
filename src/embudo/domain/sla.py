"""The first-touch SLA: sales acts on an MQL within `sla.first_touch_hours`, or it is a breach.

The clock starts when the contact enters the hand-off stage (each entry anew,
so a rejected lead that re-qualifies owes a new first touch). The first touch
is the first sales activity at or after that moment: a completed call, meeting
or email task, or sales accepting or rejecting the lead. A touch exactly at
the due time is on time; one second later is a breach.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from embudo.domain.lifecycle import MoveType


class TaskKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TODO = "todo"


SALES_ACTIVITIES = frozenset({TaskKind.CALL, TaskKind.EMAIL, TaskKind.MEETING})
"""Task kinds that, once completed, are a sales touch; a to-do is not."""

SALES_MOVES = frozenset({MoveType.ACCEPT, MoveType.REJECT})
"""Lifecycle moves that are a sales touch."""

BREACH_FIRST_TOUCH = "first_touch"


def due_at(entered_at: datetime, first_touch_hours: float) -> datetime:
    """When the first touch falls due for an MQL that entered the queue at `entered_at`."""
    return entered_at + timedelta(hours=first_touch_hours)


def first_touch(entered_at: datetime, touches: Iterable[datetime]) -> datetime | None:
    """The first sales activity at or after the MQL moment; earlier ones were for before."""
    return min((moment for moment in touches if moment >= entered_at), default=None)


def is_breach(due: datetime, touched_at: datetime | None, now: datetime) -> bool:
    """Touched after `due`, or still untouched and `now` is past it."""
    return (touched_at if touched_at is not None else now) > due
