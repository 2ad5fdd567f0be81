"""Lifecycle: where contacts start, how far each stage counts, the moves a funnel makes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from builders import MOVES, condition, day, facts, occurrence, spec

from embudo.domain.conditions import Occurrence
from embudo.domain.errors import MoveNotAllowed
from embudo.domain.lifecycle import (
    MoveType,
    PlannedMove,
    described_events,
    earliest,
    effective_rank,
    entry_stage,
    plan,
    user_move,
)
from embudo.domain.spec import MoveKind

SPEC = spec()
QUALIFY = MoveType.QUALIFY


def identify(at: datetime, email: str = "ana@acme.example") -> Occurrence:
    return occurrence("identify", at, email=email)


def track(name: str, at: datetime) -> Occurrence:
    return occurrence(name, at)


def qualify(source: str, target: str, at: datetime) -> PlannedMove:
    return PlannedMove(source, target, QUALIFY, at, rule=f"qualification.{target}")


def test_contacts_enter_at_the_first_funnel_stage() -> None:
    assert entry_stage(SPEC) == "visitor"


@pytest.mark.parametrize(
    ("stage", "rank"),
    [
        ("visitor", 0),
        ("lead", 1),
        ("mql", 2),
        ("sal", 3),
        ("sql", 4),
        ("opportunity", 5),
        ("customer", 6),
        ("nurture", 1),
        ("disqualified", None),
    ],
)
def test_effective_rank(stage: str, rank: int | None) -> None:
    assert effective_rank(SPEC, stage) == rank


def test_nurture_ranks_below_the_lowest_stage_recycled_from() -> None:
    moves = {**MOVES, "recycle": {"from": ["sql", "opportunity"], "to": "nurture"}}
    assert effective_rank(spec(moves), "nurture") == 3


def test_nurture_without_a_recycle_move_does_not_move_on_its_own() -> None:
    assert effective_rank(spec({}), "nurture") is None


SQL_FIRST = [
    track("price_list_downloaded", day(2)),
    track("trial_started", day(2)),
    track("webinar_registered", day(2)),
]
MQL_EVENTS = [track("webinar_registered", day(2)), track("webinar_watched", day(3))]
SQL_EVENTS = [track("price_list_downloaded", day(4)), track("trial_started", day(5))]


@pytest.mark.parametrize(
    ("stage", "stage_at", "history", "expected"),
    [
        ("visitor", day(0), [], []),
        ("visitor", day(0), [identify(day(1))], [qualify("visitor", "lead", day(1))]),
        (
            "visitor",
            day(0),
            [identify(day(1)), *MQL_EVENTS],
            [qualify("visitor", "lead", day(1)), qualify("lead", "mql", day(3))],
        ),
        (
            "visitor",
            day(0),
            [identify(day(1)), *MQL_EVENTS, *SQL_EVENTS],
            [
                qualify("visitor", "lead", day(1)),
                qualify("lead", "mql", day(3)),
                qualify("mql", "sql", day(5)),
            ],
        ),
        (
            "visitor",
            day(0),
            [
                track("webinar_registered", day(2)),
                identify(day(3)),
                track("webinar_watched", day(3)),
            ],
            [qualify("visitor", "mql", day(3))],
        ),
        (
            "visitor",
            day(0),
            [*MQL_EVENTS, identify(day(4))],
            [qualify("visitor", "mql", day(3))],
        ),
        (
            "visitor",
            day(0),
            [identify(day(1)), *SQL_FIRST, track("webinar_watched", day(3))],
            [qualify("visitor", "lead", day(1)), qualify("lead", "sql", day(2))],
        ),
        (
            "visitor",
            day(10),
            [identify(day(1)), *MQL_EVENTS],
            [qualify("visitor", "lead", day(10)), qualify("lead", "mql", day(10))],
        ),
        (
            "lead",
            day(4),
            [identify(day(1)), *MQL_EVENTS, *SQL_EVENTS],
            [qualify("lead", "mql", day(4)), qualify("mql", "sql", day(5))],
        ),
        ("mql", day(3), [identify(day(1)), *MQL_EVENTS], []),
        (
            "sal",
            day(3),
            [identify(day(1)), *MQL_EVENTS, *SQL_EVENTS],
            [qualify("sal", "sql", day(5))],
        ),
        ("sql", day(6), [identify(day(1)), *MQL_EVENTS, *SQL_EVENTS], []),
        ("customer", day(6), [identify(day(1)), *MQL_EVENTS, *SQL_EVENTS], []),
    ],
)
def test_plan_moves_forward(
    stage: str, stage_at: datetime, history: list[Occurrence], expected: list[PlannedMove]
) -> None:
    assert plan(SPEC, stage, stage_at, None, facts(*history)) == expected


RECYCLED_AT = day(10)
BEFORE_RECYCLING = [identify(day(1)), *MQL_EVENTS]


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        ([], []),
        ([track("webinar_watched", day(11))], []),
        (
            [track("webinar_registered", day(11)), track("webinar_watched", day(12))],
            [qualify("nurture", "mql", day(12))],
        ),
        (
            [track("webinar_registered", RECYCLED_AT), track("webinar_watched", day(12))],
            [qualify("nurture", "mql", day(12))],
        ),
    ],
)
def test_after_a_backward_move_only_later_events_qualify(
    later: list[Occurrence], expected: list[PlannedMove]
) -> None:
    history = facts(*BEFORE_RECYCLING, *later)
    assert plan(SPEC, "nurture", RECYCLED_AT, RECYCLED_AT, history) == expected


COMPETITOR = "spy@competitor.example"


def disqualify(source: str, at: datetime) -> PlannedMove:
    move = MoveType.DISQUALIFY
    return PlannedMove(source, "disqualified", move, at, "disqualify.competitor", "competitor")


@pytest.mark.parametrize(
    ("stage", "stage_at", "expected"),
    [
        ("visitor", day(0), [disqualify("visitor", day(2))]),
        ("lead", day(1, 12), [disqualify("lead", day(2))]),
        ("mql", day(5), [disqualify("mql", day(5))]),
        ("nurture", day(3), [disqualify("nurture", day(3))]),
        ("opportunity", day(3), []),
        ("customer", day(3), []),
        ("disqualified", day(3), []),
    ],
)
def test_a_disqualify_rule_moves_only_from_allowed_stages(
    stage: str, stage_at: datetime, expected: list[PlannedMove]
) -> None:
    history = facts(identify(day(2), COMPETITOR), *MQL_EVENTS)
    assert plan(SPEC, stage, stage_at, None, history) == expected


def test_a_disqualified_contact_does_not_qualify_again() -> None:
    history = facts(identify(day(1)), *MQL_EVENTS, *SQL_EVENTS)
    assert plan(SPEC, "disqualified", day(0), None, history) == []


def test_no_disqualify_move_means_no_disqualify_rule_applies() -> None:
    history = facts(identify(day(1), COMPETITOR))
    expected = [qualify("visitor", "lead", day(1))]
    assert plan(spec({}), "visitor", day(0), None, history) == expected


@pytest.mark.parametrize(
    ("kind", "stage", "target"),
    [
        (MoveKind.RECYCLE, "mql", "nurture"),
        (MoveKind.RECYCLE, "opportunity", "nurture"),
        (MoveKind.DISQUALIFY, "visitor", "disqualified"),
        (MoveKind.DISQUALIFY, "nurture", "disqualified"),
        (MoveKind.REOPEN, "disqualified", "lead"),
    ],
)
def test_user_move_leads_to_the_move_target(kind: MoveKind, stage: str, target: str) -> None:
    assert user_move(SPEC, kind, stage) == target


@pytest.mark.parametrize(
    ("moves", "kind", "stage", "message"),
    [
        (
            MOVES,
            MoveKind.RECYCLE,
            "lead",
            "cannot recycle a contact in stage 'lead' (allowed from: mql, sal, sql, opportunity)",
        ),
        (
            MOVES,
            MoveKind.DISQUALIFY,
            "customer",
            "cannot disqualify a contact in stage 'customer' "
            "(allowed from: visitor, lead, mql, sal, sql, nurture)",
        ),
        (
            MOVES,
            MoveKind.REOPEN,
            "lead",
            "cannot reopen a contact in stage 'lead' (allowed from: disqualified)",
        ),
        (
            {},
            MoveKind.REOPEN,
            "disqualified",
            "the funnel definition has no 'reopen' move "
            "— add lifecycle.moves.reopen to embudo.yaml",
        ),
    ],
)
def test_user_move_refused(moves: dict[str, Any], kind: MoveKind, stage: str, message: str) -> None:
    with pytest.raises(MoveNotAllowed) as refused:
        user_move(spec(moves), kind, stage)
    assert str(refused.value) == message
    assert refused.value.code == "lifecycle.move_not_allowed"


WEBINAR_FROM_ADS = {"event": "webinar_watched", "where": [{"property": "source", "eq": "ads"}]}


@pytest.mark.parametrize(
    ("sections", "described"),
    [
        ({}, {"identify", "group"}),
        ({"qualification": {"mql": WEBINAR_FROM_ADS}}, {"identify", "group", "webinar_watched"}),
        (
            {
                "qualification": {
                    "mql": {"all": [{"event": "trial_started"}, {"not": WEBINAR_FROM_ADS}]}
                }
            },
            {"identify", "group", "webinar_watched"},
        ),
        (
            {
                "disqualify": [
                    {
                        "name": "spam",
                        "when": {**WEBINAR_FROM_ADS, "event": "demo_requested"},
                        "reason": "spam",
                    }
                ]
            },
            {"identify", "group", "demo_requested"},
        ),
    ],
)
def test_described_events_are_trait_messages_and_events_filtered_by_property(
    sections: dict[str, Any], described: set[str]
) -> None:
    assert described_events(spec(**sections)) == described


WEBINAR_OR_EMAIL = {"any": [{"event": "webinar_watched"}, {"trait": "email", "exists": True}]}
WEBINAR_AND_EMAIL = {"all": [{"event": "webinar_watched"}, {"trait": "email", "exists": True}]}


@pytest.mark.parametrize(
    ("data", "history", "since", "expected"),
    [
        (WEBINAR_OR_EMAIL, [identify(day(2))], None, day(2)),
        (WEBINAR_OR_EMAIL, [track("webinar_watched", day(1))], None, day(1)),
        (WEBINAR_AND_EMAIL, [identify(day(2))], None, None),
        (WEBINAR_AND_EMAIL, [track("webinar_watched", day(1)), identify(day(2))], None, day(2)),
        (WEBINAR_AND_EMAIL, [track("webinar_watched", day(1)), identify(day(2))], day(2), None),
        (
            WEBINAR_AND_EMAIL,
            [track("webinar_watched", day(1)), identify(day(2)), track("webinar_watched", day(4))],
            day(3),
            day(4),
        ),
    ],
)
def test_earliest_is_when_a_condition_first_held_counting_events_since_a_backward_move(
    data: Any, history: list[Occurrence], since: datetime | None, expected: datetime | None
) -> None:
    assert earliest(condition(data), facts(*history), since) == expected
