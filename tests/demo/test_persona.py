"""Trait values drawn to meet, or to miss, each comparison a spec can make."""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from pydantic import TypeAdapter

from embudo.demo.persona import email_for, fitted, person, value_for
from embudo.demo.scenario import cast
from embudo.domain.conditions import Comparison, TraitIs
from embudo.io.spec_file import parse_spec, template_text

TRAIT: TypeAdapter[TraitIs] = TypeAdapter(TraitIs)

COMPARISONS: list[dict[str, Any]] = [
    {"eq": "mba"},
    {"eq": 3},
    {"eq": True},
    {"ne": "student"},
    {"in": ["ES", "IT", "PT"]},
    {"not_in": ["IT"]},
    {"gt": 18},
    {"gte": 50},
    {"lt": 17},
    {"lte": 35},
    {"gte": 2000.5},
    {"exists": True},
    {"exists": False},
    {"contains": "director"},
    {"starts_with": "/careers"},
    {"ends_with": "@gmail.com"},
]


def comparison_of(operator: dict[str, Any]) -> TraitIs:
    return TRAIT.validate_python({"trait": "x", **operator})


@pytest.mark.parametrize("operator", COMPARISONS, ids=str)
@pytest.mark.parametrize("meets", [True, False])
def test_a_value_meets_or_misses_as_asked(operator: dict[str, Any], meets: bool) -> None:
    comparison = comparison_of(operator)
    for seed in range(50):
        value = value_for(comparison, meets=meets, rng=Random(seed))
        assert comparison.holds(value) is meets, (value, seed)


@pytest.mark.parametrize(
    ("suffix", "meets"),
    [("@rival.example", True), ("@rival.example", False), (".edu", True), ("gmail.com", True)],
)
def test_an_email_meets_or_misses_and_stays_an_address(suffix: str, meets: bool) -> None:
    comparison: Comparison = comparison_of({"ends_with": suffix})
    for seed in range(30):
        email = email_for("ana.ruiz1", comparison, meets=meets, rng=Random(seed))
        assert comparison.holds(email) is meets
        assert email.startswith("ana.ruiz1") and email.count("@") == 1


def test_a_person_has_what_every_form_asks() -> None:
    traits = person(Random(1), 42)
    assert "42@" in traits["email"] and traits["email"].isascii()
    assert {"firstName", "lastName", "country"} <= traits.keys()


def test_fit_traits_meet_their_rule_about_half_the_time() -> None:
    rules = {
        "job_title": (comparison_of({"contains": "director"}),),
        "age": (comparison_of({"gte": 22}),),
    }
    drawn = [fitted(rules, Random(seed), {"email": "a@b.example"}) for seed in range(400)]
    directors = sum("director" in traits["job_title"] for traits in drawn)
    adults = sum(traits["age"] >= 22 for traits in drawn)
    assert 120 < directors < 280 and 120 < adults < 280


@pytest.mark.parametrize(
    "operator", [{"in": ["MI", "MB", "CO", "VA", "LO"]}, {"not_in": ["IT"]}, {"eq": "ESP"}], ids=str
)
@pytest.mark.parametrize("meets", [True, False])
def test_a_code_is_met_or_missed_by_a_code_never_a_word(
    operator: dict[str, Any], meets: bool
) -> None:
    """The clinic's provinces were missed by job titles: province "student"."""
    comparison = comparison_of(operator)
    for seed in range(50):
        value = value_for(comparison, meets=meets, rng=Random(seed))
        assert comparison.holds(value) is meets, (value, seed)
        assert value.isalpha() and value.isupper() and len(value) <= 3, (value, seed)


def test_the_clinic_demo_gives_provinces_that_are_codes() -> None:
    spec = parse_spec(template_text("clinic"), "clinic.yaml").spec
    end = datetime(2026, 11, 1, tzinfo=UTC)
    rules = cast(spec, Random(1), seed=1, contacts=100, end=end).fit_traits
    provinces = {
        fitted(rules, Random(seed), person(Random(seed), seed))["province"] for seed in range(200)
    }
    assert all(code.isupper() and len(code) == 2 for code in provinces), provinces
    assert {"MI", "MB"} <= provinces and len(provinces) > 6
