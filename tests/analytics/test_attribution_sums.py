"""`shares`: what is grouped and weighed once adds up to each deal weighed one by one.

`ExactSum`'s parts kept per denominator add up to the exact `Fraction` sum,
and read as a float or as cents give what the exact sum gives;
`shared` gives, per model, the same exact revenue and deals per key as
weighing every deal's touches with `domain.attribution.weights`, zero shares
included (a key every touch of which gets nothing is still a key).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embudo.analytics.exact_sum import ExactSum
from embudo.analytics.journeys import PLACED, TouchKey
from embudo.analytics.shares import shared
from embudo.domain.attribution import HALF_LIFE_DAYS, Journey, Model, weights
from embudo.domain.metrics import attributed_amount

DAY = 86_400

CASES = [
    [],
    [(1, 3)],
    [(1, 3), (2, 3), (1, 6)],
    [(2, 4), (3, 6), (-1, 2)],
    [(7, 10_000), (1, 2**60), (5, 7 * 10_000), (3, 2**60)],
    # Halfway between two floats (to even: 1.0), and a hair above it: its bounds
    # round apart, the exact sum rounds up.
    [(1, 1), (1, 2**53)],
    [(1, 1), (1, 2**53), (1, 2**300)],
]


@pytest.mark.parametrize("parts", CASES)
def test_the_total_is_the_exact_sum(parts: list[tuple[int, int]]) -> None:
    exact = sum((Fraction(n, d) for n, d in parts), Fraction(0))
    found = _summed(parts)
    assert found.total() == exact
    assert float(found) == float(exact)
    assert found.cents() == attributed_amount(exact)


@given(st.lists(st.tuples(st.integers(-(10**12), 10**12), st.integers(1, 10**15)), max_size=40))
def test_read_rounded_it_is_the_exact_sum_rounded(parts: list[tuple[int, int]]) -> None:
    exact = sum((Fraction(n, d) for n, d in parts), Fraction(0))
    found = _summed(parts)
    assert (found.total(), float(found), found.cents()) == (
        exact,
        float(exact),
        attributed_amount(exact),
    )


@pytest.mark.parametrize(
    ("parts", "cents"),
    [
        # Exactly half a cent, each way of half-even.
        ([(1, 400), (1, 400)], Decimal("0.00")),
        ([(3, 400), (3, 400)], Decimal("0.02")),
        # `attributed_amount` rounds to 28 digits first: 0.015 - 5e-30 lies halfway
        # between 0.01499…9 and 0.01500…0, and goes to the even one, 0.015, so
        # 0.02. Cut to 256 bits, the sum lies between a value just below that
        # midpoint (0.01) and one just above (0.02): the exact sum decides. A hair
        # below the midpoint, it is 0.01.
        ([(3, 200), (-5, 10**30)], Decimal("0.02")),
        ([(3, 200), (-5, 10**30), (-1, 2**300)], Decimal("0.01")),
    ],
)
def test_a_sum_on_a_rounding_boundary(parts: list[tuple[int, int]], cents: Decimal) -> None:
    exact = sum((Fraction(n, d) for n, d in parts), Fraction(0))
    assert _summed(parts).cents() == attributed_amount(exact) == cents


def _summed(parts: list[tuple[int, int]]) -> ExactSum:
    found = ExactSum()
    for numerator, denominator in parts:
        found.add(numerator, denominator)
    return found


KEYS = [("email", "newsletter"), ("social", None), ("paid_search", "spring")]
Won = tuple[Decimal, Journey, list[TouchKey]]
"""A won deal: its amount, its journey and each touch's key."""


@st.composite
def won_deals(draw: st.DrawFn) -> list[Won]:
    """A few won deals with touches of a few keys, some sharing their shape."""
    found = []
    for _ in range(draw(st.integers(0, 12))):
        count = draw(st.integers(1, 5))
        ages = sorted(draw(st.lists(st.integers(0, 40 * DAY), min_size=count, max_size=count)))
        milestone = st.none() | st.integers(0, count - 1)
        lead, opportunity = sorted(
            draw(st.tuples(milestone, milestone)), key=lambda index: -1 if index is None else index
        )
        amount = Decimal(draw(st.integers(0, 10**9))).scaleb(-4)
        journey = Journey(ages=ages[::-1], lead=lead, opportunity=opportunity)
        found.append((amount, journey, [draw(st.sampled_from(KEYS)) for _ in range(count)]))
    return found


@settings(deadline=None)  # the first call starts Arrow's grouping: not a timed test
@given(won_deals(), st.sampled_from([HALF_LIFE_DAYS, 0.5, 3.0]))
def test_shared_equals_each_deal_weighed_one_by_one(deals: list[Won], half_life: float) -> None:
    found = shared(_placed(deals), list(Model), half_life)
    for model in Model:
        revenue, deal_shares = found[model]
        totals = (_totals(revenue), _totals(deal_shares))
        assert totals == _one_by_one(deals, model, half_life)


def _totals(sums: dict[TouchKey, ExactSum]) -> dict[TouchKey, Fraction]:
    return {key: found.total() for key, found in sums.items()}


def _placed(deals: list[Won]) -> pa.Table:
    """Each touch placed in its journey, as `journeys.won_touches` reads it, in any order."""
    rows = [
        (
            deal_id,
            int(amount.scaleb(4)),
            len(journey.ages),
            0 if journey.lead is None else journey.lead + 1,
            0 if journey.opportunity is None else journey.opportunity + 1,
            position,
            age - min(journey.ages),
            *key,
        )
        for deal_id, (amount, journey, keys) in enumerate(deals)
        for position, (age, key) in enumerate(zip(journey.ages, keys, strict=True))
    ][::-1]
    columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in PLACED]
    return pa.table(dict(zip(PLACED, columns, strict=True)), schema=SCHEMA)


SCHEMA = pa.schema(
    [(name, pa.int64()) for name in PLACED[:-2]]
    + [("channel", pa.string()), ("campaign", pa.string())]
)


def _one_by_one(
    deals: list[Won], model: Model, half_life: float
) -> tuple[dict[TouchKey, Fraction], dict[TouchKey, Fraction]]:
    revenue: dict[TouchKey, Fraction] = {}
    deal_shares: dict[TouchKey, Fraction] = {}
    for amount, journey, keys in deals:
        for key, share in zip(keys, weights(model, journey, half_life), strict=True):
            revenue[key] = revenue.get(key, Fraction(0)) + Fraction(amount) * share
            deal_shares[key] = deal_shares.get(key, Fraction(0)) + share
    return revenue, deal_shares
