"""Scoring: decay, ledger totals, engagement points with caps, fit corrections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from builders import T0, day, facts, occurrence

from embudo.domain.scoring import (
    Points,
    ScoreKind,
    decayed,
    engagement_points,
    fit_changes,
    reconcile_caps,
    total,
)
from embudo.domain.spec import FitRule, Scoring

FIT = ScoreKind.FIT
ENGAGEMENT = ScoreKind.ENGAGEMENT


@pytest.mark.parametrize(
    ("points", "half_life", "at", "expected"),
    [
        (10.0, 30.0, day(30), 5.0),
        (10.0, 30.0, day(60), 2.5),
        (10.0, 30.0, day(0), 10.0),
        (-20.0, 7.0, day(14), -5.0),
        (8.0, 2.0, day(1), 8.0 * 0.5**0.5),
        (10.0, None, day(365), 10.0),
        (10.0, 30.0, day(-30), 10.0),
    ],
)
def test_decayed_halves_every_half_life(
    points: float, half_life: float | None, at: datetime, expected: float
) -> None:
    assert decayed(points, half_life, T0, at) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [(day(-1), 0.0), (day(0, -1), 0.0), (day(0), 12.0), (day(10), 6.0), (day(20), 3.0)],
)
def test_an_entry_is_worth_nothing_before_it_happened(at: datetime, expected: float) -> None:
    assert Points(ENGAGEMENT, "trial", 12, T0, half_life_days=10).worth(at) == expected


LEDGER = [
    Points(FIT, "target_country", 10, day(0)),
    Points(FIT, "free_email", -3, day(1)),
    Points(ENGAGEMENT, "trial", 8, day(0), half_life_days=10),
    Points(ENGAGEMENT, "demo", 30, day(11)),
]


@pytest.mark.parametrize(
    ("kind", "at", "expected"),
    [
        (None, day(10), 11.0),
        (FIT, day(10), 7.0),
        (FIT, day(0), 10.0),
        (ENGAGEMENT, day(10), 4.0),
        (ENGAGEMENT, day(11), 8 * 0.5**1.1 + 30),
        (None, day(-1), 0.0),
    ],
)
def test_total_adds_up_entries_of_a_kind(
    kind: ScoreKind | None, at: datetime, expected: float
) -> None:
    assert total(LEDGER, kind, at) == pytest.approx(expected)


SCORING = Scoring.model_validate(
    {
        "half_life_days": 60,
        "engagement": [
            {"name": "read_content", "event": "page", "points": 1, "cap": 20},
            {
                "name": "pricing_page",
                "event": "page",
                "where": [{"property": "path", "starts_with": "/pricing"}],
                "points": 3,
            },
            {
                "name": "job_seeker",
                "event": "page",
                "where": [{"property": "path", "starts_with": "/careers"}],
                "points": -10,
                "cap": 30,
            },
            {"name": "ebook", "event": "ebook_downloaded", "points": 5, "cap": 15},
            {"name": "trial", "event": "trial_started", "points": 30, "half_life_days": 30},
        ],
    }
)


@pytest.mark.parametrize(
    ("name", "properties", "given", "expected"),
    [
        ("page", {"path": "/blog"}, {}, [("read_content", 1, 60)]),
        ("page", {"path": "/Pricing"}, {}, [("read_content", 1, 60), ("pricing_page", 3, 60)]),
        ("page", {"path": "/pricing"}, {"read_content": 20}, [("pricing_page", 3, 60)]),
        ("page", {"path": "/blog"}, {"read_content": 19.5}, [("read_content", 0.5, 60)]),
        (
            "page",
            {"path": "/careers/sdr"},
            {"read_content": 7, "job_seeker": -30},
            [("read_content", 1, 60)],
        ),
        (
            "page",
            {"path": "/careers/sdr"},
            {"job_seeker": -25},
            [("read_content", 1, 60), ("job_seeker", -5, 60)],
        ),
        ("ebook_downloaded", {}, {}, [("ebook", 5, 60)]),
        ("ebook_downloaded", {}, {"ebook": 12}, [("ebook", 3, 60)]),
        ("ebook_downloaded", {}, {"ebook": 15}, []),
        ("ebook_downloaded", {}, {"ebook": 25}, []),
        ("trial_started", {}, {"trial": 300}, [("trial", 30, 30)]),
        ("webinar_watched", {}, {}, []),
        ("Page", {}, {}, []),
    ],
)
def test_engagement_points_for_one_event(
    name: str, properties: dict[str, Any], given: dict[str, float], expected: list[Any]
) -> None:
    entries = engagement_points(SCORING, name, properties, day(3), given)
    assert entries == [
        Points(ENGAGEMENT, rule, points, day(3), half_life) for rule, points, half_life in expected
    ]


def test_engagement_points_do_not_decay_without_any_half_life() -> None:
    scoring = Scoring.model_validate(
        {"engagement": [{"name": "demo", "event": "demo_requested", "points": 30}]}
    )
    entries = engagement_points(scoring, "demo_requested", {}, day(1), {})
    assert entries == [Points(ENGAGEMENT, "demo", 30, day(1), None)]


FIT_RULES = [
    FitRule.model_validate(
        {"name": "target_country", "when": {"trait": "country", "in": ["ES", "IT"]}, "points": 10}
    ),
    FitRule.model_validate(
        {"name": "free_email", "when": {"trait": "email", "ends_with": "@gmail.com"}, "points": -10}
    ),
]


@pytest.mark.parametrize(
    ("traits", "given", "expected"),
    [
        ({"country": "es"}, {}, [("target_country", 10)]),
        ({"country": "ES"}, {"target_country": 10}, []),
        ({"country": "FR"}, {"target_country": 10}, [("target_country", -10)]),
        ({"country": "FR"}, {}, []),
        ({"country": "IT"}, {"target_country": 4}, [("target_country", 6)]),
        ({"country": "IT"}, {"target_country": 25}, [("target_country", -15)]),
        (
            {"country": "IT", "email": "ana@gmail.com"},
            {},
            [("target_country", 10), ("free_email", -10)],
        ),
        ({"email": "ana@acme.example"}, {"free_email": -10}, [("free_email", 10)]),
    ],
)
def test_fit_changes_bring_each_rule_in_line(
    traits: dict[str, Any], given: dict[str, float], expected: list[tuple[str, float]]
) -> None:
    changes = fit_changes(FIT_RULES, facts(traits=traits), given, day(5))
    assert changes == [Points(FIT, rule, points, day(5)) for rule, points in expected]


def test_fit_changes_read_traits_as_they_stood_at_the_moment() -> None:
    history = facts(
        occurrence("identify", day(1), country="ES"),
        occurrence("identify", day(4), country="FR"),
    )
    assert fit_changes(FIT_RULES, history, {}, day(2)) == [
        Points(FIT, "target_country", 10, day(2))
    ]
    assert fit_changes(FIT_RULES, history, {}, day(4)) == []


CAPPED = Scoring.model_validate(
    {"engagement": [{"name": "ebook", "event": "ebook_downloaded", "points": 5, "cap": 10}]}
)


def _ebook(at: datetime, points: float) -> Points:
    return Points(ScoreKind.ENGAGEMENT, "ebook", points, at)


@pytest.mark.parametrize(
    ("downloads", "given", "expected"),
    [
        ([1, 2, 3], [(1, 5), (2, 5)], []),
        ([1, 2, 3], [(2, 5), (3, 5)], [(1, 5.0), (3, -5.0)]),
        ([1, 2, 3], [(1, 5), (2, 5), (3, 5)], [(3, -5.0)]),
        ([1, 2], [(1, 5), (2, 5), (2, 2)], [(2, -2.0)]),
        ([], [(1, 5)], [(1, -5.0)]),
    ],
    ids=["in-order", "late-earliest", "merged-over-cap", "partial-over", "no-events"],
)
def test_reconcile_caps_gives_the_cap_to_the_earliest_events(
    downloads: list[int], given: list[tuple[int, float]], expected: list[tuple[int, float]]
) -> None:
    occurrences = [occurrence("ebook_downloaded", day(n)) for n in downloads]
    entries = [_ebook(day(n), points) for n, points in given]
    found = reconcile_caps(CAPPED, occurrences, entries)
    assert [(entry.occurred_at, entry.points) for entry in found] == [
        (day(n), points) for n, points in expected
    ]


@pytest.mark.parametrize(
    ("half_lives", "expected"),
    [(999.0, 10.0 * 0.5**999), (1000.0, 10.0 * 0.5**1000), (2500.0, 10.0 * 0.5**1000)],
)
def test_decay_stops_at_a_thousand_half_lives(half_lives: float, expected: float) -> None:
    """Beyond 2 ** -1000 PostgreSQL underflows: every backend clamps there, as Python does."""
    assert decayed(10.0, 1.0, T0, day(half_lives)) == expected
