"""The demo's sales reps and prices: every hand-off team staffed, amounts in range."""

from __future__ import annotations

from random import Random

import pytest
from demo_stream import SEED_SPEC

from embudo.demo.prices import GENERIC, PRICES, price_range
from embudo.demo.team import handoff_teams, sales_reps
from embudo.domain.spec import FunnelSpec


def spec_with(handoff: dict[str, object]) -> FunnelSpec:
    return FunnelSpec.model_validate({**SEED_SPEC, "handoff": handoff})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_to_five_reps_cover_every_handoff_team(seed: int) -> None:
    rule = {"when": {"trait": "country", "in": ["IT"]}, "team": "sales_it"}
    spec = spec_with({"team": "sales", "rules": [rule]})
    reps = sales_reps(spec, seed)
    assert 3 <= len(reps) <= 5
    assert {rep.team for rep in reps} == {"sales", "sales_it"}
    assert len({rep.email for rep in reps}) == len(reps)
    assert all(rep.email.endswith("@demo.example") and f".{seed}@" in rep.email for rep in reps)


def test_the_main_team_comes_first_and_teams_are_named_once() -> None:
    rules = [
        {"when": {"trait": "country", "in": ["MX"]}, "team": "latam"},
        {"when": {"trait": "country", "in": ["CO"]}, "team": "latam"},
        {"when": {"trait": "country", "in": ["IT"]}, "owner": "marco@example.com"},
    ]
    assert handoff_teams(spec_with({"team": "admissions", "rules": rules})) == [
        "admissions",
        "latam",
    ]


@pytest.mark.parametrize("pipeline", [*PRICES, "my_own_pipeline"])
def test_prices_fall_in_the_pipeline_range_on_its_step(pipeline: str) -> None:
    prices, rng = price_range(pipeline), Random(3)
    drawn = [prices.draw(rng) for _ in range(500)]
    assert all(prices.low - prices.step <= value <= prices.high + prices.step for value in drawn)
    assert all(value % prices.step == 0 for value in drawn)
    assert len(set(drawn)) > 50


def test_an_unknown_pipeline_gets_the_generic_range() -> None:
    assert price_range("my_own_pipeline") is GENERIC
