"""Sales' answer to an MQL: accepted (most), rejected with a reason, or left unanswered.

Some answers come late, past the first-touch SLA, so the demo shows
breaches; some are preceded by a logged call, which is then the first touch.
An MQL that comes back after a rejection is accepted or left, never
rejected twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from embudo.demo.desk import SalesDesk
from embudo.demo.steps import CallMade, LeadAnswer, Timed

UNANSWERED_SHARE = 0.1
REJECT_SHARE = 0.15
LATE_SHARE = 0.2
CALL_SHARE = 0.35
CALL_OUTCOMES = ("interested", "asked for a call back", "wants a proposal", "left a voicemail")


@dataclass(slots=True)
class Answer:
    steps: list[Timed] = field(default_factory=list)
    accepted: bool = False
    at: datetime | None = None
    """When sales answered; None when it did not."""


def answer(
    desk: SalesDesk, rng: Random, user_id: str, entered: datetime, *, again: bool = False
) -> Answer:
    """What sales does with an MQL that entered the hand-off stage at `entered`."""
    chance = rng.random()
    if chance < UNANSWERED_SHARE:
        return Answer()
    touch = entered + _delay(desk, rng)
    steps: list[Timed] = []
    if rng.random() < CALL_SHARE:
        steps.append((touch, CallMade(user_id, touch, rng.choice(CALL_OUTCOMES))))
        touch += timedelta(hours=rng.uniform(0.2, 6))
    if chance < UNANSWERED_SHARE + REJECT_SHARE and not again:
        reason = rng.choice(desk.rejection_reasons)
        steps.append((touch, LeadAnswer("reject", user_id, touch, reason)))
        return Answer(steps, accepted=False, at=touch)
    steps.append((touch, LeadAnswer("accept", user_id, touch)))
    return Answer(steps, accepted=True, at=touch)


def _delay(desk: SalesDesk, rng: Random) -> timedelta:
    """Time to the first touch: within the SLA, or (a fifth of the time) up to four times it."""
    share = rng.uniform(1.1, 4.0) if rng.random() < LATE_SHARE else rng.uniform(0.05, 0.9)
    return timedelta(hours=desk.touch_hours * share)
