"""Playbooks decide: which runs a trigger calls for, their keys, and the consent mark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from builders import spec
from pydantic import TypeAdapter, ValidationError

from embudo.domain.deals import rots_at
from embudo.domain.playbooks import (
    ContactEntered,
    ContactLeft,
    DealEntered,
    DealRotted,
    PlannedRun,
    SlaBreached,
    SubjectKind,
    Trigger,
    describe,
    matches,
    on_move,
    plan,
    subject_of,
    trigger_key,
)
from embudo.domain.spec import AddToList, CreateTask, Playbook, PlaybookTrigger, SetProperty

T = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
LATER = T + timedelta(days=3)

WHEN: dict[str, dict[str, Any]] = {
    "enters_mql": {"contact_enters": "mql"},
    "leaves_mql": {"contact_leaves": "mql"},
    "deal_won": {"deal_enters": "won"},
    "sla": {"sla_breached": True},
    "rots": {"deal_rots": True},
}
TRIGGERS: dict[str, Trigger] = {
    "entered mql": ContactEntered(1, "mql", T),
    "entered sql": ContactEntered(1, "sql", T),
    "left mql": ContactLeft(1, "mql", T),
    "deal won": DealEntered(7, 1, "won", T),
    "deal quote": DealEntered(7, 1, "quote", T),
    "breach": SlaBreached(1, T),
    "rot": DealRotted(7, 1, "quote", T, LATER),
}
MATCHING = {
    "enters_mql": {"entered mql"},
    "leaves_mql": {"left mql"},
    "deal_won": {"deal won"},
    "sla": {"breach"},
    "rots": {"rot"},
}


@pytest.mark.parametrize("when", sorted(WHEN))
@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_when_matches_only_its_own_kind_of_trigger(when: str, trigger: str) -> None:
    expected = trigger in MATCHING[when]
    assert matches(PlaybookTrigger.model_validate(WHEN[when]), TRIGGERS[trigger]) is expected


def _playbook(name: str, when: dict[str, Any], *actions: dict[str, Any]) -> Playbook:
    return Playbook.model_validate({"name": name, "when": when, "do": list(actions)})


FOCUS = _playbook(
    "focus",
    {"contact_enters": "opportunity"},
    {"remove_from_list": "promotional"},
    {"add_to_list": "sales_nurture"},
)
LOYALTY = _playbook(
    "loyalty",
    {"deal_enters": "won"},
    {"add_to_list": "loyalty"},
    {"create_task": "Ask for a referral", "due_hours": 720},
)


def test_plan_returns_one_run_per_trigger_and_matching_playbook_in_order() -> None:
    triggers: list[Trigger] = [
        ContactEntered(1, "opportunity", T),
        DealEntered(7, 1, "won", LATER),
        ContactEntered(2, "mql", T),
    ]
    runs = plan([FOCUS, LOYALTY], triggers)
    assert [(run.playbook, run.trigger) for run in runs] == [
        ("focus", triggers[0]),
        ("loyalty", triggers[1]),
    ]
    assert [type(a.action) for a in runs[1].actions] == [AddToList, CreateTask]
    assert {a.at for a in runs[1].actions} == {LATER}


def test_only_adding_to_a_list_needs_the_contacts_consent() -> None:
    marked = _playbook(
        "marked",
        {"contact_enters": "mql"},
        {"add_to_list": "promotional"},
        {"remove_from_list": "other"},
        {"set_property": "tier", "value": "gold"},
        {"notify": "sales"},
    )
    [run] = plan([marked], [ContactEntered(1, "mql", T)])
    assert [a.needs_consent for a in run.actions] == [True, False, False, False]


@pytest.mark.parametrize(
    ("trigger", "subject", "key"),
    [
        (
            ContactEntered(1, "mql", T),
            (SubjectKind.CONTACT, 1),
            f"contact_enters:mql:{T.isoformat()}",
        ),
        (ContactLeft(1, "mql", T), (SubjectKind.CONTACT, 1), f"contact_leaves:mql:{T.isoformat()}"),
        (DealEntered(7, 1, "won", T), (SubjectKind.DEAL, 7), f"deal_enters:won:{T.isoformat()}"),
        (SlaBreached(1, T), (SubjectKind.CONTACT, 1), f"sla_breached:{T.isoformat()}"),
        (
            DealRotted(7, 1, "quote", T, LATER),
            (SubjectKind.DEAL, 7),
            f"deal_rots:quote:{T.isoformat()}",
        ),
    ],
)
def test_subject_and_key_name_the_trigger(
    trigger: Trigger, subject: tuple[SubjectKind, int], key: str
) -> None:
    assert subject_of(trigger) == subject
    assert trigger_key(trigger) == key
    assert PlannedRun("p", trigger, ()).key == key


def test_a_rot_is_keyed_by_its_stage_entry_not_by_when_it_was_seen() -> None:
    assert trigger_key(DealRotted(7, 1, "quote", T, LATER)) == trigger_key(
        DealRotted(7, 1, "quote", T, LATER + timedelta(days=1))
    )


@pytest.mark.parametrize(
    ("from_stage", "expected"),
    [
        (None, [ContactEntered(1, "visitor", T)]),
        ("mql", [ContactLeft(1, "mql", T), ContactEntered(1, "visitor", T)]),
    ],
)
def test_a_move_leaves_the_old_stage_then_enters_the_new(
    from_stage: str | None, expected: list[Trigger]
) -> None:
    assert on_move(1, from_stage, "visitor", T) == expected


def test_describe_gives_the_trigger_as_plain_data() -> None:
    assert describe(DealEntered(7, 1, "won", T)) == {
        "kind": "deal_enters",
        "contact_id": 1,
        "deal_id": 7,
        "stage": "won",
        "at": T.isoformat(),
    }
    assert describe(SlaBreached(1, T)) == {
        "kind": "sla_breached",
        "contact_id": 1,
        "at": T.isoformat(),
    }


@pytest.mark.parametrize("name", ["email", "subscribed", "unsubscribed"])
def test_a_playbook_cannot_set_email_or_consent(name: str) -> None:
    with pytest.raises(ValidationError, match="cannot set"):
        TypeAdapter(SetProperty).validate_python({"set_property": name, "value": True})


PIPELINE = {
    "stages": [
        {"key": "quote", "probability": 0.5, "rotting_days": 7},
        {"key": "talks", "probability": 0.5},
        {"key": "won", "probability": 1, "kind": "won"},
        {"key": "lost", "probability": 0, "kind": "lost"},
    ]
}


@pytest.mark.parametrize(
    ("stage", "expected"),
    [("quote", T + timedelta(days=7)), ("talks", None), ("gone", None)],
)
def test_a_deal_rots_rotting_days_after_entering_its_stage(
    stage: str, expected: datetime | None
) -> None:
    assert rots_at(spec(pipelines={"p": PIPELINE}), "p", stage, T) == expected
