"""Deals of a contact: the first sale through the pipeline, repeat purchases, referrals.

A deal opens in the pipeline's first open stage and goes on stage by stage
with the chance the desk gives (from the stages' win probabilities), staying
about each stage's rotting limit; it is lost with a loss reason on the way,
a few stall (and rot), and the year's end leaves the latest ones open. Some
customers buy again, smaller and quicker; some refer a later contact, whose
deal then names them (`referred_by`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from embudo.demo.desk import OpenStage, PipelinePlay
from embudo.demo.steps import DealLost, DealMoved, DealOpened, DealWon, Timed

STALL_SHARE = 0.04
"""Per stage: the deal stops moving (nobody closes it), so it rots."""
RECYCLE_LOST_SHARE = 0.3
REPEAT_SHARE = 0.25
REPEAT_WIN_SHARE = 0.8
REFERRED_SHARE = 0.15


@dataclass(slots=True)
class Sale:
    steps: list[Timed] = field(default_factory=list)
    won_at: datetime | None = None


class Promoters:
    """Customers who can refer someone, by when they became customers.

    Filled in the order journeys are written (arrival order), so it is the
    same for a seed; a later contact's deal picks a promoter who had won by then.
    """

    def __init__(self) -> None:
        self._won: list[tuple[datetime, str]] = []

    def add(self, at: datetime, user_id: str) -> None:
        self._won.append((at, user_id))

    def pick(self, rng: Random, before: datetime, user_id: str) -> str | None:
        if rng.random() >= REFERRED_SHARE:
            return None
        known = [who for at, who in self._won if at < before and who != user_id]
        return rng.choice(known) if known else None


def first_sale(
    play: PipelinePlay, rng: Random, user_id: str, opened: datetime, referred_by: str | None
) -> Sale:
    """A new deal through the open stages until won, lost or stalled."""
    amount = play.prices.draw(rng)
    first = play.stages[0].key
    sale = Sale([(opened, DealOpened(user_id, play.key, first, amount, opened, referred_by))])
    at = opened
    for index, stage in enumerate(play.stages):
        at += _stay(stage, rng)
        if rng.random() < STALL_SHARE:
            return sale
        if rng.random() >= stage.advance:
            sale.steps.append((at, _lost(play, rng, user_id, at, first_purchase=True)))
            return sale
        following = play.stages[index + 1 : index + 2]
        won = DealWon(user_id, play.key, at)
        step = DealMoved(user_id, play.key, following[0].key, at) if following else won
        sale.steps.append((at, step))
    sale.won_at = at
    return sale


def repeat_sale(play: PipelinePlay, rng: Random, user_id: str, won: datetime) -> Sale:
    """Maybe a second purchase a few months on: a smaller deal, closed within weeks."""
    if rng.random() >= REPEAT_SHARE:
        return Sale()
    opened = won + timedelta(days=rng.uniform(45, 150))
    amount = play.prices.draw(rng, share=rng.uniform(0.3, 0.8))
    closed = opened + timedelta(days=rng.uniform(3, 30))
    sale = Sale([(opened, DealOpened(user_id, play.key, play.stages[0].key, amount, opened))])
    if rng.random() < REPEAT_WIN_SHARE:
        sale.steps.append((closed, DealWon(user_id, play.key, closed)))
        sale.won_at = closed
    else:
        sale.steps.append((closed, _lost(play, rng, user_id, closed, first_purchase=False)))
    return sale


def _stay(stage: OpenStage, rng: Random) -> timedelta:
    """Days in a stage: from a fifth of its usual time to a bit past it (some rot)."""
    return timedelta(days=stage.typical_days * rng.uniform(0.2, 1.3))


def _lost(
    play: PipelinePlay, rng: Random, user_id: str, at: datetime, *, first_purchase: bool
) -> DealLost:
    """Lost with a reason; a first deal sometimes sends its contact back to nurture."""
    recycle = first_purchase and play.recycles and rng.random() < RECYCLE_LOST_SHARE
    return DealLost(user_id, play.key, rng.choice(play.loss_reasons), at, recycle)
