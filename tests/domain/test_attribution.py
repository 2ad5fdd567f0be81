"""Attribution weights on plain journeys: each model's shares, degenerate journeys, sum of 1."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embudo.domain.attribution import Journey, Model, weights

DAY = 86_400
FIVE = Journey(ages=[40 * DAY, 30 * DAY, 20 * DAY, 10 * DAY, 0], lead=2, opportunity=4)
"""Five touches ten days apart, the last at the won moment; the lead came at the third."""


@pytest.mark.parametrize(
    ("model", "shares"),
    [
        (Model.FIRST_TOUCH, [1, 0, 0, 0, 0]),
        (Model.LAST_TOUCH, [0, 0, 0, 0, 1]),
        (Model.LINEAR, [F(1, 5)] * 5),
        (Model.U_SHAPED, [F(2, 5), F(1, 5), F(2, 5), 0, 0]),
        (Model.W_SHAPED, [F(3, 10), F(1, 20), F(3, 10), F(1, 20), F(3, 10)]),
    ],
)
def test_position_models_on_five_touches(model: Model, shares: list[F]) -> None:
    assert weights(model, FIVE) == shares


def test_time_decay_halves_every_seven_days() -> None:
    shares = weights(Model.TIME_DECAY, Journey(ages=[14 * DAY, 7 * DAY, 0]))
    assert shares == [F(1, 7), F(2, 7), F(4, 7)]


@pytest.mark.parametrize(
    ("journey", "model", "shares"),
    [
        (Journey(ages=[]), Model.LINEAR, []),
        (Journey(ages=[5 * DAY], lead=0, opportunity=0), Model.W_SHAPED, [1]),
        (Journey(ages=[5 * DAY]), Model.U_SHAPED, [1]),
        (Journey(ages=[5 * DAY]), Model.TIME_DECAY, [1]),
        # Thirty years old: 0.5 ** (age / 7 days) underflows to 0, the share must not.
        (Journey(ages=[10**9]), Model.TIME_DECAY, [1]),
        # Two touches, the lead at the second: U-shaped has nothing between, 50/50.
        (Journey(ages=[9, 1], lead=1, opportunity=1), Model.U_SHAPED, [F(1, 2), F(1, 2)]),
        # The lead at the first touch: the second came after it, U gives it nothing.
        (Journey(ages=[9, 1], lead=0, opportunity=1), Model.U_SHAPED, [1, 0]),
        # W with first = lead creation: that touch holds two anchors' shares.
        (Journey(ages=[9, 1], lead=0, opportunity=1), Model.W_SHAPED, [F(2, 3), F(1, 3)]),
        # No touch before the lead: that milestone drops out.
        (
            Journey(ages=[9, 5, 1], lead=None, opportunity=2),
            Model.W_SHAPED,
            [F(3, 7), F(1, 7), F(3, 7)],
        ),
    ],
)
def test_degenerate_journeys(journey: Journey, model: Model, shares: list[F]) -> None:
    assert weights(model, journey) == shares


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    """Touches of any age up to ~30 years, oldest first, with milestones in order or missing."""
    ages = sorted(draw(st.lists(st.integers(0, 10**9), min_size=1, max_size=30)), reverse=True)
    milestone = st.none() | st.integers(0, len(ages) - 1)
    lead, opportunity = draw(milestone), draw(milestone)
    if lead is not None and opportunity is not None and lead > opportunity:
        lead, opportunity = opportunity, lead
    return Journey(ages=ages, lead=lead, opportunity=opportunity)


@given(journeys(), st.sampled_from(list(Model)))
def test_weights_of_a_deal_add_up_to_exactly_one(journey: Journey, model: Model) -> None:
    shares = weights(model, journey)
    assert len(shares) == len(journey.ages)
    assert sum(shares) == 1
    assert all(share >= 0 for share in shares)
