"""The hand-off, pure: round-robin turns, rule matching, accept/reject targets, SLA boundary."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from builders import day, facts, occurrence, spec

from embudo.domain.errors import InvalidInput, MoveNotAllowed
from embudo.domain.handoff import (
    Candidate,
    Rotation,
    Route,
    accepted_stage,
    next_owner,
    rejected_stage,
    rejection_reason,
    route,
)
from embudo.domain.sla import due_at, first_touch, is_breach
from embudo.domain.spec import FunnelSpec, Handoff
from embudo.domain.spec_check import SpecProblem, problems

A, B, C = 1, 2, 3


@pytest.mark.parametrize(
    ("candidates", "chosen"),
    [
        ([], None),
        ([Candidate(A)], A),
        ([Candidate(C), Candidate(B), Candidate(A)], A),
        ([Candidate(A, 2, day(1)), Candidate(B, 1, day(5)), Candidate(C, 3, day(0))], B),
        ([Candidate(A, 1, day(3)), Candidate(B, 1, day(2)), Candidate(C, 1, day(4))], B),
        ([Candidate(A, 1, day(3)), Candidate(B, 1, None)], B),
        ([Candidate(B, 1, day(3)), Candidate(A, 1, day(3))], A),
        ([Candidate(A, 0, None), Candidate(B, 0, None), Candidate(C, 5, None)], A),
    ],
    ids=[
        "nobody",
        "alone",
        "all new: lowest id",
        "fewest assignments",
        "tie: waited longest",
        "tie: never assigned waited longest",
        "tie on both: lowest id",
        "count before id",
    ],
)
def test_next_owner(candidates: list[Candidate], chosen: int | None) -> None:
    found = next_owner(candidates)
    assert (found.user_id if found else None) == chosen


def test_a_rotation_over_one_batch_deals_evenly() -> None:
    rotation = Rotation([Candidate(A), Candidate(B, 1, day(0)), Candidate(C)])
    taken = [rotation.take(day(1)) for _ in range(8)]
    assert taken == [A, C, B, A, C, A, B, C]


def test_a_rule_assignment_counts_in_the_rotation() -> None:
    rotation = Rotation([Candidate(A), Candidate(B)])
    rotation.count(A, day(1))
    assert rotation.take(day(1)) == B


def test_an_empty_team_gives_nobody() -> None:
    assert Rotation([]).take(day(1)) is None


HANDOFF = Handoff.model_validate(
    {
        "team": "sales",
        "rules": [
            {"when": {"trait": "country", "in": ["ES"]}, "team": "iberia"},
            {"when": {"event": "demo_requested"}, "owner": "Ana@Example.com"},
            {"when": {"trait": "country", "in": ["ES", "PT"]}, "owner": "joao@example.com"},
        ],
    }
)


@pytest.mark.parametrize(
    ("traits", "events", "expected"),
    [
        ({"country": "ES"}, [], Route("handoff.rules[0]", team="iberia")),
        ({"country": "ES"}, ["demo_requested"], Route("handoff.rules[0]", team="iberia")),
        ({"country": "FR"}, ["demo_requested"], Route("handoff.rules[1]", owner="ana@example.com")),
        ({"country": "PT"}, [], Route("handoff.rules[2]", owner="joao@example.com")),
        ({"country": "FR"}, [], Route("round_robin:sales", team="sales")),
        ({}, [], Route("round_robin:sales", team="sales")),
    ],
    ids=["first match", "first match wins", "event rule", "third", "none", "no traits"],
)
def test_route_first_matching_rule_else_round_robin(
    traits: dict[str, str], events: list[str], expected: Route
) -> None:
    seen = facts(*(occurrence(name, day(1)) for name in events), traits=traits)
    assert route(HANDOFF, seen, day(2)) == expected


def test_a_rule_sees_the_contact_as_it_was_at_the_mql_moment() -> None:
    seen = facts(occurrence("demo_requested", day(3)))
    assert route(HANDOFF, seen, day(2)).rule == "round_robin:sales"
    assert route(HANDOFF, seen, day(3)).rule == "handoff.rules[1]"


@pytest.mark.parametrize(
    "rule",
    [
        {"when": {"trait": "country", "in": ["ES"]}},
        {"when": {"trait": "country", "in": ["ES"]}, "owner": "a@x.example", "team": "sales"},
        {"when": {"trait": "country", "in": ["ES"]}, "owner": "not an email"},
        {"when": {"trait": "country", "in": ["ES"]}, "team": "Sales Team"},
    ],
    ids=["neither", "both", "bad email", "bad team"],
)
def test_an_assignment_rule_names_one_owner_or_team(rule: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Handoff.model_validate({"rules": [rule]})


def test_a_spec_without_a_handoff_section_gets_the_defaults() -> None:
    funnel = spec()
    assert (funnel.handoff.stage, funnel.handoff.accepted, funnel.handoff.rejected) == (
        "mql",
        "sal",
        "nurture",
    )
    assert (funnel.handoff.team, funnel.handoff.rules, funnel.rejection_reasons) == (
        "sales",
        [],
        [],
    )


def test_accept_and_reject_lead_from_the_queue_stage_only() -> None:
    funnel = spec()
    assert accepted_stage(funnel, "u1", "mql") == "sal"
    assert rejected_stage(funnel, "u1", "mql") == "nurture"
    with pytest.raises(MoveNotAllowed, match="cannot accept contact 'u1': it is in stage 'lead'"):
        accepted_stage(funnel, "u1", "lead")
    with pytest.raises(MoveNotAllowed, match="cannot reject contact 'u1': it is in stage 'sal'"):
        rejected_stage(funnel, "u1", "sal")


def test_a_funnel_without_the_handoff_stages_says_so() -> None:
    funnel = FunnelSpec.model_validate({"lifecycle": {"stages": [{"key": "visitor"}]}})
    with pytest.raises(MoveNotAllowed, match="no stage 'mql' for the hand-off"):
        accepted_stage(funnel, "u1", "visitor")


def test_rejection_reasons_come_from_the_spec_else_the_defaults() -> None:
    assert rejection_reason(spec(), "no_budget") == "no_budget"
    own = spec(rejection_reasons=[{"key": "too_small"}])
    assert rejection_reason(own, "too_small") == "too_small"
    with pytest.raises(
        InvalidInput, match="unknown rejection reason 'no_budget' — one of: too_small"
    ):
        rejection_reason(own, "no_budget")


MQL_AT = datetime.fromisoformat("2026-10-04T09:00:00+00:00")
DUE = MQL_AT + timedelta(hours=24)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("touched_at", "now", "breach"),
    [
        (DUE, DUE + timedelta(days=9), False),
        (DUE + SECOND, DUE + SECOND, True),
        (MQL_AT, DUE + timedelta(days=9), False),
        (None, DUE, False),
        (None, DUE + SECOND, True),
    ],
    ids=["touch at due", "a second late", "at once", "untouched at due", "untouched after"],
)
def test_first_touch_breach_boundary(
    touched_at: datetime | None, now: datetime, breach: bool
) -> None:
    assert due_at(MQL_AT, 24) == DUE
    assert is_breach(DUE, touched_at, now) is breach


def test_the_first_touch_is_the_first_activity_at_or_after_the_mql_moment() -> None:
    before, at_once, later = MQL_AT - SECOND, MQL_AT, MQL_AT + timedelta(hours=3)
    assert first_touch(MQL_AT, [later, before, at_once]) == at_once
    assert first_touch(MQL_AT, [later, before]) == later
    assert first_touch(MQL_AT, [before]) is None


EVENTS = ("webinar_registered", "webinar_watched", "price_list_downloaded", "trial_started")


def _problems(**sections: Any) -> list[SpecProblem]:
    return problems(spec(events={name: {} for name in EVENTS}, **sections))


@pytest.mark.parametrize(
    ("handoff", "expected"),
    [
        ({"team": "sales"}, []),
        (
            {"stage": "mqll"},
            [(("handoff", "stage"), "unknown lifecycle stage 'mqll' (did you mean 'mql'?)")],
        ),
        (
            {"accepted": "lead"},
            [
                (
                    ("handoff", "accepted"),
                    "accepting leads forward: 'lead' must be a funnel stage after 'mql'",
                )
            ],
        ),
        (
            {"rejected": "disqualified"},
            [
                (
                    ("handoff", "rejected"),
                    "rejecting leads to a nurture stage; 'disqualified' is a disqualified stage",
                )
            ],
        ),
        (
            {"rules": [{"when": {"event": "demo_requestd"}, "team": "sales"}]},
            [
                (
                    ("handoff", "rules", 0, "when", "event"),
                    "unknown event 'demo_requestd'",
                )
            ],
        ),
    ],
    ids=["fine", "unknown stage", "accept backwards", "reject out", "unknown event"],
)
def test_the_handoff_section_is_cross_checked(
    handoff: dict[str, Any], expected: list[tuple[tuple[str | int, ...], str]]
) -> None:
    found = [(problem.path, problem.message) for problem in _problems(handoff=handoff)]
    assert found == expected


def test_rejection_reasons_are_not_repeated() -> None:
    reasons = [{"key": "no_budget"}, {"key": "no_budget"}]
    found = [problem.message for problem in _problems(rejection_reasons=reasons)]
    assert found == ["rejection reason 'no_budget' is repeated (first at rejection_reasons[0])"]
