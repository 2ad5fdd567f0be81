"""Attribution models: how a won deal's revenue is shared among the touches that led to it.

A **journey** is a won deal's touches in time order (oldest first), each
with its age (seconds before the won moment), and two milestones: the
**lead-creation touch** (the last touch at or before the contact became a
lead) and the **opportunity-creation touch** (the last touch at or before the
deal was opened); either is None when no touch came before it.

Position models give shares to anchor touches and split a remainder equally
among the touches **between** the first and the last anchor; touches after
the last anchor get nothing. Then the shares are scaled to add up to 1, which
is how the degenerate journeys come out right with one rule: a touch that is
two anchors adds their shares, a missing milestone drops out, and a journey
with nothing in the middle shares among its anchors (U-shaped with two
touches: 50/50; any model with one touch: 100 %).

- first-touch: all to the first touch; last-touch: all to the last.
- linear: equal shares.
- u-shaped: 40 % first touch, 40 % lead-creation touch, 20 % between.
- w-shaped: 30 % first, 30 % lead creation, 30 % opportunity creation,
  10 % between.
- time-decay: each touch weighs `0.5 ** (age / half-life)` (half-life 7
  days unless given), scaled to add up to 1.

Weights are `Fraction`s, so they add up to exactly 1 for every deal.

A position model's weights depend only on the journey's **shape** — its
touch count and milestone indexes — so `position_weights` is worked out once
per shape (a report's tens of thousands of deals have a few hundred shapes).
Time-decay's weights are `decay_parts`: integer numerators over their exact
sum, from each touch's `decay` power (a caller can keep one per distinct age
difference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

HALF_LIFE_DAYS = 7
SECONDS_PER_DAY = 86_400


class Model(StrEnum):
    FIRST_TOUCH = "first-touch"
    LAST_TOUCH = "last-touch"
    LINEAR = "linear"
    U_SHAPED = "u-shaped"
    W_SHAPED = "w-shaped"
    TIME_DECAY = "time-decay"


@dataclass(frozen=True, slots=True)
class Journey:
    """A won deal's touches: their ages in seconds (oldest first) and the milestone touches."""

    ages: Sequence[int]
    lead: int | None = None
    opportunity: int | None = None


Anchor = tuple[int | None, Fraction]


def weights(
    model: Model, journey: Journey, half_life_days: float = HALF_LIFE_DAYS
) -> list[Fraction]:
    """Each touch's share of the deal under `model`; they add up to 1 (none without touches)."""
    count = len(journey.ages)
    if count == 0:
        return []
    if model is Model.TIME_DECAY:
        powers = [decay(difference, half_life_days) for difference in since_youngest(journey.ages)]
        numerators, total = decay_parts(powers)
        return [Fraction(numerator, total) for numerator in numerators]
    return list(position_weights(model, count, journey.lead, journey.opportunity))


def since_youngest(ages: Sequence[int]) -> list[int]:
    """Each touch's age less the youngest touch's: what time-decay's weights depend on."""
    youngest = min(ages)
    return [age - youngest for age in ages]


def decay(difference: int, half_life_days: float) -> tuple[int, int]:
    """A touch's time-decay power, `0.5 ** (difference / half-life)`, as an exact ratio.

    Halving every `half_life_days`, counted from the youngest touch (power 1),
    so very old touches never underflow every power to zero; scaling makes it
    the same share. The power is a float, so an exact binary fraction:
    (numerator, power of two).
    """
    power: float = 0.5 ** (difference / (half_life_days * SECONDS_PER_DAY))
    return power.as_integer_ratio()


def decay_parts(powers: Sequence[tuple[int, int]]) -> tuple[list[int], int]:
    """Time-decay's weights from the touches' powers: weight i = numerators[i] / total.

    Over the largest power of two among their denominators the powers are
    integers, and so is their sum: the exact shares without a `Fraction`.
    """
    scale = max(bottom for _, bottom in powers)
    numerators = [top * (scale // bottom) for top, bottom in powers]
    return numerators, sum(numerators)


@lru_cache(maxsize=4096)
def position_weights(
    model: Model, count: int, lead: int | None, opportunity: int | None
) -> tuple[Fraction, ...]:
    """A position model's shares of a journey of `count` touches with these milestones.

    They depend on nothing else, so they are worked out once per shape (kept for
    the 4,096 shapes seen last: journeys rarely have more than a few dozen touches).
    """
    if model is Model.LINEAR:
        return (Fraction(1, count),) * count
    return tuple(_anchored(count, *_ANCHORS[model](count, lead, opportunity)))


def _first(count: int, lead: int | None, opportunity: int | None) -> tuple[list[Anchor], Fraction]:
    return [(0, Fraction(1))], Fraction(0)


def _last(count: int, lead: int | None, opportunity: int | None) -> tuple[list[Anchor], Fraction]:
    return [(count - 1, Fraction(1))], Fraction(0)


def _u_shaped(
    count: int, lead: int | None, opportunity: int | None
) -> tuple[list[Anchor], Fraction]:
    return [(0, Fraction(2, 5)), (lead, Fraction(2, 5))], Fraction(1, 5)


def _w_shaped(
    count: int, lead: int | None, opportunity: int | None
) -> tuple[list[Anchor], Fraction]:
    third = Fraction(3, 10)
    return [(0, third), (lead, third), (opportunity, third)], Fraction(1, 10)


_ANCHORS = {
    Model.FIRST_TOUCH: _first,
    Model.LAST_TOUCH: _last,
    Model.U_SHAPED: _u_shaped,
    Model.W_SHAPED: _w_shaped,
}


def _anchored(count: int, anchors: list[Anchor], between: Fraction) -> list[Fraction]:
    """Anchor shares, `between` split over the touches between the anchors, scaled to 1."""
    shares = [Fraction(0)] * count
    placed = {index for index, _ in anchors if index is not None}
    for index, share in anchors:
        if index is not None:
            shares[index] += share
    middle = [index for index in range(min(placed), max(placed)) if index not in placed]
    for index in middle:
        shares[index] += between / len(middle)
    return _scaled(shares)


def _scaled(shares: list[Fraction]) -> list[Fraction]:
    total = sum(shares, Fraction(0))
    return [share / total for share in shares]
