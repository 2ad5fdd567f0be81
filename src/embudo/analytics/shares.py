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
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

import pyarrow as pa

from embudo.analytics.exact_sum import ExactSum
from embudo.analytics.journeys import UNITS, TouchKey, milestone
from embudo.domain.attribution import Model, decay, decay_parts, position_weights

Shares = dict[TouchKey, ExactSum]
"""Per channel/campaign, the exact sum of its shares (rounded only when read)."""
Placement = tuple[int, int | None, int | None, int, TouchKey]
"""A touch's place: its journey's touch count, lead and opportunity indexes; its position; key."""
Placed = list[tuple[Placement, int, int]]
"""Each place with the amount (in units) and the count of the touches in it."""
SHAPE = ("touch_count", "lead_touches", "opportunity_touches", "position", "channel", "campaign")
DecayedTouch = tuple[int, int, int, str, str | None]
"""deal_id, units, difference, channel, campaign."""


def shared(
    touches: pa.Table, models: list[Model], half_life: float
) -> dict[Model, tuple[Shares, Shares]]:
    """Revenue and deals (each worth 1) per channel/campaign under each of `models`.

    `touches`: the columns of `journeys.PLACED`, one row per touch, in any order.
    """
    placed = _placements(touches)
    return {
        model: _decayed(touches, half_life) if model is Model.TIME_DECAY else _placed(placed, model)
        for model in models
    }


def _placements(touches: pa.Table) -> Placed:
    """The touches grouped by place (in Arrow: no Python object per touch)."""
    grouped = touches.group_by(list(SHAPE), use_threads=False).aggregate(
        [("units", "sum"), ("units", "count")]
    )
    return [_placement(row) for row in grouped.to_pylist()]


def _placement(row: dict[str, Any]) -> tuple[Placement, int, int]:
    lead, opportunity = milestone(row["lead_touches"]), milestone(row["opportunity_touches"])
    key = (row["channel"], row["campaign"])
    place = (row["touch_count"], lead, opportunity, row["position"], key)
    return place, row["units_sum"], row["units_count"]


def _placed(placed: Placed, model: Model) -> tuple[Shares, Shares]:
    """Each place's amount and deals weighed once by its shape's position weights."""
    revenue: Shares = defaultdict(ExactSum)
    deals: Shares = defaultdict(ExactSum)
    for (count, lead, opportunity, position, key), units, found in placed:
        share = position_weights(model, count, lead, opportunity)[position]
        revenue[key].add(units * share.numerator, UNITS * share.denominator)
        deals[key].add(found * share.numerator, share.denominator)
    return revenue, deals


def _decayed(touches: pa.Table, half_life: float) -> tuple[Shares, Shares]:
    """Each deal's time-decay shares, a power per distinct age difference."""
    revenue: Shares = defaultdict(ExactSum)
    deals: Shares = defaultdict(ExactSum)
    powers: dict[int, tuple[int, int]] = {}
    for _, grouped in groupby(_by_deal(touches), key=itemgetter(0)):
        journey = list(grouped)
        for touch in journey:
            if touch[2] not in powers:
                powers[touch[2]] = decay(touch[2], half_life)
        numerators, total = decay_parts([powers[touch[2]] for touch in journey])
        units = journey[0][1]
        for key, numerator in _by_key(journey, numerators).items():
            revenue[key].add(units * numerator, UNITS * total)
            deals[key].add(numerator, total)
    return revenue, deals


def _by_deal(touches: pa.Table) -> Iterator[DecayedTouch]:
    """What time-decay needs of each touch, a deal's touches together (in any order
    among themselves: time-decay's shares do not depend on it)."""
    ordered = touches.sort_by("deal_id")
    numbers = [_integers(ordered.column(name)) for name in ("deal_id", "units", "difference")]
    names = [_names(ordered.column(name)) for name in ("channel", "campaign")]
    return zip(*numbers, *names, strict=True)


def _integers(column: pa.ChunkedArray) -> list[int]:
    """An integer column without nulls as Python ints, through NumPy: Arrow's own
    `to_pylist` builds each one much more slowly."""
    found: list[int] = column.to_numpy().tolist()
    return found


def _names(column: pa.ChunkedArray) -> list[str | None]:
    """A text column (nulls kept) from its few distinct names, for the same reason."""
    encoded = column.combine_chunks().dictionary_encode(null_encoding="encode")
    distinct = encoded.dictionary.to_pylist()
    return [distinct[index] for index in _integers(encoded.indices)]


def _by_key(journey: list[DecayedTouch], numerators: list[int]) -> dict[TouchKey, int]:
    """A deal's shares added up per key: one part per key and deal to sum later."""
    found: dict[TouchKey, int] = defaultdict(int)
    for touch, numerator in zip(journey, numerators, strict=True):
        found[(touch[3], touch[4])] += numerator
    return found
