"""Conditions: parsed from the funnel definition's dicts, evaluated at a moment over facts."""

from __future__ import annotations

from typing import Any

import pytest
from builders import condition, day, facts, occurrence
from pydantic import ValidationError

from embudo.domain.conditions import (
    AllOf,
    AnyOf,
    CompanyIs,
    EventSeen,
    NotThis,
    ScoreIs,
    TraitIs,
    event_names,
    holds,
    needed_events,
    uses_score,
)
from embudo.domain.scoring import Points, ScoreKind

WATCHED = {"event": "webinar_watched"}
HAS_EMAIL = {"trait": "email", "exists": True}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"trait": "country", "eq": "ES"}, TraitIs),
        ({"trait": "country", "in": ["ES", "IT"]}, TraitIs),
        ({"company": "employees", "gte": 50.0}, CompanyIs),
        ({"score": "fit", "gt": 10.0}, ScoreIs),
        (WATCHED, EventSeen),
        (
            {
                "event": "page",
                "times": 3,
                "within_days": 7.0,
                "where": [{"property": "path", "starts_with": "/pricing"}],
            },
            EventSeen,
        ),
        ({"all": [WATCHED, HAS_EMAIL]}, AllOf),
        ({"any": [WATCHED, {"all": [HAS_EMAIL]}]}, AnyOf),
        ({"not": {"not": WATCHED}}, NotThis),
    ],
)
def test_each_condition_type_parses_from_its_key(data: dict[str, Any], kind: type) -> None:
    parsed = condition(data)
    assert type(parsed) is kind
    assert parsed.model_dump(by_alias=True, exclude_defaults=True) == data


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"trait": "country", "eq": "ES", "ne": "IT"}, "value_error"),
        ({"trait": "country"}, "value_error"),
        ({"trait": "country", "eq": "ES", "equals": "ES"}, "extra_forbidden"),
        ({"event": "page", "trait": "country"}, "extra_forbidden"),
        ({"not": [WATCHED]}, "unknown_condition"),
        ({"not": WATCHED, "trait": "country"}, "extra_forbidden"),
        ({"nor": [WATCHED]}, "unknown_condition"),
        ({"score": "total", "trait": "x", "gt": 1}, "extra_forbidden"),
        ({"score": "lifetime", "gt": 1}, "literal_error"),
        ({"event": "page", "times": 0}, "greater_than_equal"),
        ({"event": "page", "within_days": 0}, "greater_than"),
        ({"all": []}, "too_short"),
        ("webinar_watched", "unknown_condition"),
        ({"all": ["webinar_watched"]}, "unknown_condition"),
    ],
)
def test_a_malformed_condition_is_a_validation_error(data: Any, error: str) -> None:
    with pytest.raises(ValidationError) as raised:
        condition(data)
    assert error in [problem["type"] for problem in raised.value.errors()]


def test_two_operators_name_the_allowed_ones() -> None:
    with pytest.raises(ValidationError, match="give exactly one operator of: eq, ne, in, not_in"):
        condition({"trait": "country", "gt": 1, "lt": 5})


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ({"eq": "ES"}, "es", True),
        ({"eq": "ES"}, "IT", False),
        ({"eq": 5}, 5.0, True),
        ({"eq": True}, True, True),
        ({"eq": "ES"}, None, False),
        ({"ne": "ES"}, "it", True),
        ({"ne": "ES"}, "Es", False),
        ({"ne": "ES"}, None, False),
        ({"in": ["ES", "IT"]}, "it", True),
        ({"in": ["ES", "IT"]}, "FR", False),
        ({"not_in": ["ES", "IT"]}, "fr", True),
        ({"not_in": ["ES", "IT"]}, "es", False),
        ({"not_in": ["ES", "IT"]}, None, False),
        ({"gt": 50}, 51, True),
        ({"gt": 50}, 50, False),
        ({"gt": 50}, "50.5", True),
        ({"gt": 50}, "many", False),
        ({"gt": 0}, True, False),
        ({"gte": 50}, 50, True),
        ({"gte": 50}, "50", True),
        ({"gte": 50}, 49.9, False),
        ({"lt": 10}, 9, True),
        ({"lt": 10}, "9.5", True),
        ({"lt": 10}, 10, False),
        ({"lt": 10}, None, False),
        ({"lte": 10}, 10, True),
        ({"lte": 10}, "10", True),
        ({"lte": 10}, "10.01", False),
        ({"exists": True}, "ana", True),
        ({"exists": True}, 0, True),
        ({"exists": True}, "", False),
        ({"exists": True}, None, False),
        ({"exists": False}, "", True),
        ({"exists": False}, None, True),
        ({"exists": False}, "ana", False),
        ({"contains": "director"}, "Marketing DIRECTOR", True),
        ({"contains": "director"}, "Manager", False),
        ({"contains": "director"}, None, False),
        ({"starts_with": "/pricing"}, "/Pricing/plans", True),
        ({"starts_with": "/pricing"}, "/blog/pricing", False),
        ({"ends_with": "@gmail.com"}, "Ana@GMAIL.com", True),
        ({"ends_with": "@gmail.com"}, "ana@gmail.com.es", False),
    ],
)
def test_each_operator_on_a_trait(operator: dict[str, Any], value: Any, expected: bool) -> None:
    known = facts(traits={"x": value})
    assert holds(condition({"trait": "x", **operator}), known, day(0)) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"company": "employees", "gte": 50}, True),
        ({"company": "employees", "gt": 120}, False),
        ({"company": "industry", "eq": "tourism"}, True),
        ({"trait": "employees", "exists": True}, False),
    ],
)
def test_company_traits_are_read_from_the_company(data: dict[str, Any], expected: bool) -> None:
    known = facts(company={"employees": "120", "industry": "Tourism"})
    assert holds(condition(data), known, day(0)) is expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ([], True),
        ([{"property": "path", "starts_with": "/pricing"}], True),
        ([{"property": "path", "starts_with": "/careers"}], False),
        ([{"property": "path", "contains": "plans"}, {"property": "seconds", "gte": 30}], True),
        ([{"property": "path", "contains": "plans"}, {"property": "seconds", "gt": 45}], False),
        ([{"property": "referrer", "exists": False}], True),
    ],
)
def test_where_matches_the_event_properties(where: list[dict[str, Any]], expected: bool) -> None:
    known = facts(occurrence("page", day(1), path="/pricing/plans", seconds="45"))
    assert holds(condition({"event": "page", "where": where}), known, day(2)) is expected


@pytest.mark.parametrize(("times", "expected"), [(1, True), (2, True), (3, False)])
def test_times_counts_matching_events(times: int, expected: bool) -> None:
    known = facts(
        occurrence("page", day(1), path="/a"),
        occurrence("ebook_downloaded", day(2)),
        occurrence("page", day(3), path="/b"),
    )
    assert holds(condition({"event": "page", "times": times}), known, day(4)) is expected


@pytest.mark.parametrize(
    ("happened", "at", "expected"),
    [
        (day(1), day(1), True),
        (day(1), day(0, 23), False),
        (day(1), day(31), True),
        (day(1), day(31, 1), False),
        (day(0, 23), day(31), False),
    ],
)
def test_within_days_counts_events_up_to_the_window_edge(
    happened: Any, at: Any, expected: bool
) -> None:
    known = facts(occurrence("trial_started", happened))
    data = {"event": "trial_started", "within_days": 30}
    assert holds(condition(data), known, at) is expected


@pytest.mark.parametrize(("since", "expected"), [(None, True), (day(1), True), (day(1, 1), False)])
def test_since_ignores_earlier_events(since: Any, expected: bool) -> None:
    known = facts(occurrence("webinar_watched", day(1)))
    assert holds(condition(WATCHED), known, day(5), since) is expected


def test_since_and_a_window_both_apply() -> None:
    known = facts(occurrence("page", day(2)), occurrence("page", day(8)))
    data = {"event": "page", "times": 2, "within_days": 10}
    assert holds(condition(data), known, day(9), since=None)
    assert not holds(condition(data), known, day(9), since=day(3))
    assert not holds(condition(data), known, day(12.5), since=None)


ENTRIES = [
    Points(ScoreKind.FIT, "target_country", 10, day(1)),
    Points(ScoreKind.ENGAGEMENT, "read_content", 5, day(2)),
    Points(ScoreKind.ENGAGEMENT, "trial", 30, day(9)),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"score": "total", "gte": 15}, True),
        ({"score": "total", "gt": 15}, False),
        ({"score": "fit", "eq": 10}, True),
        ({"score": "fit", "gt": 10}, False),
        ({"score": "engagement", "lt": 5.01}, True),
        ({"score": "engagement", "lt": 5}, False),
    ],
)
def test_score_thresholds_count_entries_made_by_then(data: dict[str, Any], expected: bool) -> None:
    assert holds(condition(data), facts(entries=ENTRIES), day(5)) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"all": [WATCHED, HAS_EMAIL]}, False),
        ({"any": [WATCHED, HAS_EMAIL]}, True),
        ({"not": WATCHED}, False),
        ({"not": HAS_EMAIL}, True),
        ({"not": {"all": [WATCHED, HAS_EMAIL]}}, True),
        ({"all": [WATCHED, {"any": [HAS_EMAIL, {"not": {"event": "page"}}]}]}, True),
        ({"any": [{"not": WATCHED}, {"all": [{"event": "page"}, WATCHED]}]}, False),
    ],
)
def test_all_any_and_not_nest(data: dict[str, Any], expected: bool) -> None:
    known = facts(occurrence("webinar_watched", day(1)))
    assert holds(condition(data), known, day(2)) is expected


def test_events_after_the_moment_do_not_count() -> None:
    known = facts(occurrence("webinar_watched", day(3)))
    assert not holds(condition(WATCHED), known, day(2))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HAS_EMAIL, set()),
        (WATCHED, {"webinar_watched"}),
        (
            {"all": [WATCHED, {"any": [HAS_EMAIL, {"not": {"event": "page"}}, WATCHED]}]},
            {"webinar_watched", "page"},
        ),
        ({"score": "fit", "gt": 1}, set()),
    ],
)
def test_event_names_collects_every_event_referred_to(data: Any, expected: set[str]) -> None:
    assert event_names(condition(data)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HAS_EMAIL, set()),
        ({"event": "page", "times": 3, "where": [{"property": "path", "eq": "/"}]}, {"page"}),
        ({"all": [WATCHED, {"event": "page"}]}, {"webinar_watched", "page"}),
        ({"any": [WATCHED, HAS_EMAIL]}, set()),
        ({"any": [WATCHED, {"all": [WATCHED, {"event": "page"}]}]}, {"webinar_watched"}),
        ({"not": WATCHED}, set()),
        ({"all": [HAS_EMAIL, {"any": [WATCHED, {"event": "page"}]}]}, set()),
    ],
)
def test_needed_events_are_those_without_which_a_condition_cannot_hold(
    data: Any, expected: set[str]
) -> None:
    assert needed_events(condition(data)) == expected
    assert condition(data).needed_events == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HAS_EMAIL, False),
        ({"score": "fit", "gt": 1}, True),
        ({"all": [WATCHED, {"not": {"any": [HAS_EMAIL, {"score": "total", "lt": 5}]}}]}, True),
    ],
)
def test_a_condition_knows_whether_it_looks_at_a_score(data: Any, expected: bool) -> None:
    assert uses_score(condition(data)) is expected
    assert condition(data).looks_at_score is expected


def test_a_comparison_tests_its_one_operator_every_time() -> None:
    country = condition({"trait": "country", "in": ["ES", "IT"]})
    known = facts(occurrence("identify", day(1), country="it"))

    assert [holds(country, known, day(1)) for _ in range(2)] == [True, True]
    assert not holds(country, facts(occurrence("identify", day(1), country="FR")), day(1))


# ContactFacts: what a condition sees as it stood at a moment.

HISTORY = facts(
    occurrence("identify", day(1), country="ES", plan="free"),
    occurrence("page", day(2), country="IT"),
    occurrence("identify", day(3), country="IT"),
    occurrence("identify", day(4), plan=None),
    occurrence("group", day(2), employees=10),
    occurrence("group", day(5), employees=80),
    traits={"country": "FR", "job_title": "CTO"},
    company={"employees": 200, "industry": "clinic"},
)


@pytest.mark.parametrize(
    ("name", "at", "expected"),
    [
        ("country", day(0), None),
        ("country", day(1), "ES"),
        ("country", day(2, 12), "ES"),
        ("country", day(3), "IT"),
        ("country", day(9), "IT"),
        ("plan", day(3), "free"),
        ("plan", day(4), None),
        ("job_title", day(0), "CTO"),
        ("unknown", day(9), None),
    ],
)
def test_a_trait_is_read_as_the_last_identify_carrying_it_said(
    name: str, at: Any, expected: Any
) -> None:
    assert HISTORY.trait(name, at) == expected


@pytest.mark.parametrize(
    ("name", "at", "expected"),
    [
        ("employees", day(1), None),
        ("employees", day(2), 10),
        ("employees", day(5), 80),
        ("industry", day(0), "clinic"),
    ],
)
def test_a_company_trait_is_read_from_group_messages(name: str, at: Any, expected: Any) -> None:
    assert HISTORY.company_trait(name, at) == expected


@pytest.mark.parametrize(
    ("kind", "at", "expected"),
    [
        ("total", day(0), 0.0),
        ("total", day(5), 15.0),
        ("fit", day(9), 10.0),
        ("engagement", day(9), 35.0),
    ],
)
def test_facts_score_by_kind_at_a_moment(kind: str, at: Any, expected: float) -> None:
    assert facts(entries=ENTRIES).score(kind, at) == expected
