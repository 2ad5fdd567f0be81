"""Won revenue and deals shared among touch keys under each attribution model, exactly.

The weights (`domain.attribution`) are the costly part, so each is worked
out as few times as the result allows:

- a position model's weights depend only on the journey's shape (touch
  count, lead and opportunity indexes), so the touches are first grouped by
  shape, position and key — amounts summed, deals counted — and each group
  is weighed once;
- time-decay's power is worked out once per distinct age difference, and a
  deal's shares stay integers over its own total until they are added up.

The sums are exact (`ExactSum`), so the totals are the same rationals as
weighing every deal's touches one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from embudo.analytics.exact_sum import ExactSum
from embudo.analytics.journeys import UNITS, PlacedTouch, TouchKey
from embudo.domain.attribution import Model, decay, decay_parts, position_weights

Shares = dict[TouchKey, ExactSum]
"""Per channel/campaign, the exact sum of its shares (rounded only when read)."""
Placement = tuple[int, int | None, int | None, int, TouchKey]
"""A touch's place: its journey's touch count, lead and opportunity indexes; its position; key."""


def shared(
    touches: list[PlacedTouch], models: list[Model], half_life: float
) -> dict[Model, tuple[Shares, Shares]]:
    """Revenue and deals (each worth 1) per channel/campaign under each of `models`."""
    placed = _placements(touches)
    return {
        model: _decayed(touches, half_life) if model is Model.TIME_DECAY else _placed(placed, model)
        for model in models
    }


def _placements(touches: list[PlacedTouch]) -> dict[Placement, list[int]]:
    """Amount (in units) and deal count of the touches in each place."""
    placed: dict[Placement, list[int]] = defaultdict(lambda: [0, 0])
    for touch in touches:
        found = placed[
            (touch.touch_count, touch.lead, touch.opportunity, touch.position, touch.key)
        ]
        found[0] += touch.units
        found[1] += 1
    return placed


def _placed(placed: dict[Placement, list[int]], model: Model) -> tuple[Shares, Shares]:
    """Each place's amount and deals weighed once by its shape's position weights."""
    revenue: Shares = defaultdict(ExactSum)
    deals: Shares = defaultdict(ExactSum)
    for (count, lead, opportunity, position, key), (units, found) in placed.items():
        share = position_weights(model, count, lead, opportunity)[position]
        revenue[key].add(units * share.numerator, UNITS * share.denominator)
        deals[key].add(found * share.numerator, share.denominator)
    return revenue, deals


def _decayed(touches: list[PlacedTouch], half_life: float) -> tuple[Shares, Shares]:
    """Each deal's time-decay shares, a power per distinct age difference."""
    revenue: Shares = defaultdict(ExactSum)
    deals: Shares = defaultdict(ExactSum)
    powers: dict[int, tuple[int, int]] = {}
    for journey in _journeys(touches):
        for touch in journey:
            if touch.difference not in powers:
                powers[touch.difference] = decay(touch.difference, half_life)
        numerators, total = decay_parts([powers[touch.difference] for touch in journey])
        units = journey[0].units
        for key, numerator in _by_key(journey, numerators).items():
            revenue[key].add(units * numerator, UNITS * total)
            deals[key].add(numerator, total)
    return revenue, deals


def _journeys(touches: list[PlacedTouch]) -> Iterable[list[PlacedTouch]]:
    """Each won deal's touches (in any order: time-decay's shares do not depend on it)."""
    found: dict[int, list[PlacedTouch]] = defaultdict(list)
    for touch in touches:
        found[touch.deal_id].append(touch)
    return found.values()


def _by_key(journey: list[PlacedTouch], numerators: list[int]) -> dict[TouchKey, int]:
    """A deal's shares added up per key: one part per key and deal to sum later."""
    found: dict[TouchKey, int] = defaultdict(int)
    for touch, numerator in zip(journey, numerators, strict=True):
        found[touch.key] += numerator
    return found
