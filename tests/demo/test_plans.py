"""Condition trees read as to-do lists: doing the plan meets the condition, most of it does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

import pytest
from pydantic import TypeAdapter

from embudo.demo.plans import Plan, plan_for, trait_tests
from embudo.domain.conditions import Condition, Occurrence, holds
from embudo.domain.facts import ContactFacts

CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)
T0 = datetime(2024, 3, 1, tzinfo=UTC)

CONDITIONS: list[dict[str, Any]] = [
    {"all": [{"event": "webinar_registered"}, {"event": "webinar_watched"}]},
    {"all": [{"event": "price_list_downloaded"}, {"event": "trial_started", "within_days": 30}]},
    {"event": "whatsapp_contacted", "times": 2, "within_days": 7},
    {"any": [{"event": "quote_requested"}, {"event": "call_booked"}]},
    {"event": "page", "where": [{"property": "path", "starts_with": "/admissions"}]},
    {
        "event": "order",
        "where": [{"property": "total", "gte": 100}, {"property": "total", "lt": 500}],
    },
    {"all": [{"event": "demo_requested"}, {"not": {"event": "unsubscribed"}}]},
]


def done(plan: Plan) -> ContactFacts:
    """A contact that did the plan's events, an hour apart."""
    occurrences = [
        Occurrence(event.name, T0 + timedelta(hours=index), event.properties)
        for index, event in enumerate(plan.events)
    ]
    return ContactFacts({}, {}, occurrences)


@pytest.mark.parametrize("tree", CONDITIONS, ids=str)
def test_doing_the_plan_meets_the_condition(tree: dict[str, Any]) -> None:
    condition = CONDITION.validate_python(tree)
    for seed in range(20):
        plan = plan_for(condition, Random(seed))
        assert holds(condition, done(plan), T0 + timedelta(days=1))


@pytest.mark.parametrize("tree", CONDITIONS[:3], ids=str)
def test_the_plan_but_its_last_event_does_not(tree: dict[str, Any]) -> None:
    condition = CONDITION.validate_python(tree)
    plan = plan_for(condition, Random(1)).partial()
    assert plan.events and not holds(condition, done(plan), T0 + timedelta(days=1))


def test_a_plan_keeps_the_tightest_window_and_the_score_asked() -> None:
    tree = {
        "all": [
            {"event": "a", "within_days": 30},
            {"event": "b", "within_days": 7},
            {"score": "total", "gte": 35},
            {"score": "fit", "gte": 99},
        ]
    }
    plan = plan_for(CONDITION.validate_python(tree), Random(1))
    assert (plan.window_days, plan.score) == (7, 35)


def test_trait_tests_skip_what_must_not_hold() -> None:
    tree = {"any": [{"trait": "age", "lt": 17}, {"not": {"trait": "country", "in": ["IT"]}}]}
    assert [test.trait for test in trait_tests(CONDITION.validate_python(tree))] == ["age"]
