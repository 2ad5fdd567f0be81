"""The hand-off through real ingestion: assignment on MQL entry, accept/reject, SLA, tasks."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from funnel_support import (
    NOW,
    at,
    contact,
    contact_id,
    dump,
    feed,
    identify,
    install,
    spec_document,
    track,
    transition_rows,
    workspace,
)
from invariants import history_violations
from sqlalchemy import Engine, select, update

from embudo.analytics.queue import sales_queue
from embudo.domain.errors import InvalidInput, MoveNotAllowed
from embudo.domain.sla import TaskKind
from embudo.engine.assignment import assign_contact
from embudo.engine.handoff import Answered, accept_lead, reject_lead
from embudo.engine.sla import check_first_touch
from embudo.engine.tasks import NewTask, add_task, complete_task
from embudo.engine.users import add_user
from embudo.store.tables import lifecycle_visits, owner_assignments, sla_breaches, users

REPS = ("rep1@example.com", "rep2@example.com", "rep3@example.com")
SECOND = timedelta(seconds=1)
SLA = {"first_touch_hours": 24}


def people(store: Engine, *emails: str, team: str = "sales") -> dict[str, int]:
    ws = workspace(store)
    with store.begin() as conn:
        return {
            email: add_user(conn, ws.id, email, name=email, team=team, now=at(0))
            for email in emails
        }


def mql(user: str, day: float, **traits: Any) -> list[dict[str, Any]]:
    """Messages that make `user` an MQL at `day` (lead from an identify the day before)."""
    return [
        identify(f"{user}-i", at(day - 1), user=user, email=f"{user}@lead.example", **traits),
        track(f"{user}-r", "webinar_registered", at(day - 1), user=user),
        track(f"{user}-w", "webinar_watched", at(day), user=user),
    ]


def assignments(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(owner_assignments).order_by(owner_assignments.c.id)))


def breaches(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(sla_breaches).order_by(sla_breaches.c.id)))


def test_round_robin_is_fair_across_batches_and_skips_inactive_reps(store: Engine) -> None:
    install(store)
    ids = people(store, *REPS, "away@example.com")
    people(store, "marketer@example.com", team="marketing")
    with store.begin() as conn:
        conn.execute(update(users).where(users.c.email == "away@example.com").values(active=False))
    messages = [message for n in range(30) for message in mql(f"u{n}", 2 + n / 10)]

    feed(store, messages, batch_size=7)

    made = assignments(store)
    assert Counter(row.owner_id for row in made) == {ids[email]: 10 for email in REPS}
    assert {(row.rule, row.actor) for row in made} == {("round_robin:sales", "embudo")}
    assert [row.owner_id for row in made[:3]] == [ids[email] for email in REPS]
    for n in range(30):
        row = contact(store, f"u{n}")
        assert (row.stage, row.owner_id) == ("mql", made[n].owner_id)
        assert made[n].assigned_at == row.stage_at
    assert history_violations(store, workspace(store).id) == []


def test_the_first_matching_rule_picks_the_owner(store: Engine) -> None:
    handoff = {
        "team": "sales",
        "rules": [
            {"when": {"trait": "country", "in": ["PT"]}, "owner": "joao@example.com"},
            {"when": {"trait": "country", "in": ["ES"]}, "team": "iberia"},
        ],
    }
    install(store, spec_document(handoff=handoff))
    ids = people(store, "joao@example.com", "rep1@example.com")
    iberia = people(store, "ana@example.com", team="iberia")

    feed(store, [*mql("pt", 2, country="PT"), *mql("es", 2, country="ES"), *mql("fr", 2)])

    owners = {row.contact_id: (row.owner_id, row.rule) for row in assignments(store)}
    assert owners[contact_id(store, "pt")] == (ids["joao@example.com"], "handoff.rules[0]")
    assert owners[contact_id(store, "es")] == (iberia["ana@example.com"], "handoff.rules[1]")
    # joao has one assignment (by rule), so the sales round-robin turns to rep1.
    assert owners[contact_id(store, "fr")] == (ids["rep1@example.com"], "round_robin:sales")


def test_nobody_in_the_team_leaves_the_mql_in_the_queue_unassigned(store: Engine) -> None:
    install(store, spec_document(sla=SLA))
    feed(store, mql("u1", 2))

    assert assignments(store) == []
    with store.connect() as conn:
        queue = sales_queue(conn, workspace(store), at(2, hours=1))
    assert [(line["contact"], line["owner"], line["status"]) for line in queue] == [
        (contact_id(store, "u1"), None, "unassigned")
    ]


def test_assign_by_hand_to_a_person_or_by_the_rules(store: Engine) -> None:
    install(store)
    ids = people(store, *REPS)
    feed(store, mql("u1", 2))
    ws = workspace(store)

    with store.begin() as conn:
        moved = assign_contact(conn, ws, "u1", to="REP3@example.com", actor="boss", now=NOW)
    assert moved is not None and (moved.owner_email, moved.rule) == (REPS[2], "manual")
    with store.begin() as conn:
        again = assign_contact(conn, ws, "u1", to=None, actor="boss", now=NOW)
    # rep1 got u1 at its MQL entry and rep3 by hand: rep2 has fewest.
    assert again is not None and (again.owner_id, again.rule) == (ids[REPS[1]], "round_robin:sales")
    assert contact(store, "u1").owner_id == ids[REPS[1]]
    assert [row.actor for row in assignments(store)] == ["embudo", "boss", "boss"]


def _accept(store: Engine, user: str, when: datetime) -> Answered:
    with store.begin() as conn:
        return accept_lead(conn, workspace(store), user, at=when, actor="rep1@example.com", now=NOW)


def _reject(store: Engine, user: str, when: datetime, reason: str = "not_ready") -> Answered:
    with store.begin() as conn:
        return reject_lead(
            conn, workspace(store), user, reason=reason, at=when, actor="rep1@example.com", now=NOW
        )


def test_accept_makes_the_mql_sales_accepted(store: Engine) -> None:
    install(store)
    people(store, *REPS)
    feed(store, mql("u1", 2))

    answered = _accept(store, "u1", at(2, hours=3))

    assert (answered.from_stage, answered.to_stage, answered.late) == ("mql", "sal", False)
    last = transition_rows(store, contact_id(store, "u1"))[-1]
    assert (last.from_stage, last.to_stage, last.move, last.cause, last.actor) == (
        "mql",
        "sal",
        "accept",
        "user",
        "rep1@example.com",
    )
    assert contact(store, "u1").stage == "sal"
    assert history_violations(store, workspace(store).id) == []


@pytest.mark.parametrize("answer", ["accept", "reject"])
def test_answering_a_contact_that_is_not_an_mql_changes_nothing(store: Engine, answer: str) -> None:
    install(store)
    feed(store, [identify("i", at(0), user="u1", email="ana@example.com")])
    before = dump(store)

    with pytest.raises(
        MoveNotAllowed, match=f"cannot {answer} contact 'u1': it is in stage 'lead'"
    ):
        (_accept if answer == "accept" else _reject)(store, "u1", at(1))

    assert dump(store) == before


def test_reject_sends_back_to_nurture_and_only_later_events_requalify(store: Engine) -> None:
    install(store)
    ids = people(store, *REPS)
    feed(store, mql("u1", 2))

    answered = _reject(store, "u1", at(3), reason="no_budget")

    assert (answered.from_stage, answered.to_stage) == ("mql", "nurture")
    last = transition_rows(store, contact_id(store, "u1"))[-1]
    assert (last.move, last.reason, last.actor) == ("reject", "no_budget", "rep1@example.com")
    feed(store, [track("old", "webinar_watched", at(2.5), user="u1")])
    assert contact(store, "u1").stage == "nurture"
    feed(store, [track("r2", "webinar_registered", at(5), user="u1")])
    feed(store, [track("w2", "webinar_watched", at(6), user="u1")])
    row = contact(store, "u1")
    assert (row.stage, row.stage_at) == ("mql", at(6))
    # Back in the queue with the owner who knows it: no second assignment.
    assert [a.owner_id for a in assignments(store)] == [ids[REPS[0]]]
    assert history_violations(store, workspace(store).id) == []


def test_a_rejection_needs_one_of_the_reasons(store: Engine) -> None:
    install(store, spec_document(rejection_reasons=[{"key": "too_small"}]))
    feed(store, mql("u1", 2))
    before = dump(store)

    with pytest.raises(InvalidInput, match="unknown rejection reason 'no_budget'"):
        _reject(store, "u1", at(3), reason="no_budget")

    assert dump(store) == before


def test_first_touch_at_the_due_time_is_on_time_and_a_second_later_is_a_breach(
    store: Engine,
) -> None:
    install(store, spec_document(sla=SLA))
    ids = people(store, *REPS)
    feed(store, [*mql("ontime", 2), *mql("late", 2)])

    assert _accept(store, "ontime", at(3)).late is False
    assert _accept(store, "late", at(3) + SECOND).late is True

    found = breaches(store)
    assert [(b.contact_id, b.kind, b.due_at, b.touched_at) for b in found] == [
        (contact_id(store, "late"), "first_touch", at(3), at(3) + SECOND)
    ]
    assert found[0].owner_id == ids[REPS[1]]
    assert found[0].detected_at == NOW


def test_sla_check_records_untouched_mqls_once(store: Engine) -> None:
    install(store, spec_document(sla=SLA))
    people(store, *REPS)
    feed(store, [*mql("u1", 2), *mql("u2", 2.5)])
    ws = workspace(store)

    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(3)) == 0
    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(3) + SECOND) == 1
    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(3.5)) == 0
    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(5)) == 1
    assert [(b.contact_id, b.touched_at) for b in breaches(store)] == [
        (contact_id(store, "u1"), None),
        (contact_id(store, "u2"), None),
    ]
    assert _accept(store, "u1", at(6)).late is True
    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(9)) == 0
    assert [(b.contact_id, b.touched_at) for b in breaches(store)] == [
        (contact_id(store, "u1"), at(6)),
        (contact_id(store, "u2"), None),
    ]


def test_a_completed_call_is_the_first_touch_and_a_todo_is_not(store: Engine) -> None:
    install(store, spec_document(sla=SLA))
    ids = people(store, *REPS)
    feed(store, [*mql("u1", 2), *mql("u2", 2)])
    ws = workspace(store)

    with store.begin() as conn:
        todo = add_task(conn, ws, "u1", NewTask("Read the file", TaskKind.TODO), now=NOW)
        call = add_task(conn, ws, "u1", NewTask("Call", TaskKind.CALL, due_at=at(3)), now=NOW)
        other = add_task(conn, ws, "u2", NewTask("Call", TaskKind.CALL), now=NOW)
    with store.begin() as conn:
        assert (
            complete_task(conn, ws, todo, outcome="read", at=at(2, hours=1), now=NOW).late is False
        )
        assert complete_task(conn, ws, call, outcome="no answer", at=at(4), now=NOW).late is True
        assert complete_task(conn, ws, other, outcome="booked", at=at(3), now=NOW).late is False
    # Each MQL visit now holds its call, with no move after it (`lifecycle_visits.touched_at`).
    assert history_violations(store, ws.id) == []
    with store.begin() as conn:
        assert check_first_touch(conn, ws, at(9)) == 0

    assert _accept(store, "u1", at(5)).late is False  # not the first touch
    found = breaches(store)
    assert [(b.contact_id, b.touched_at, b.owner_id) for b in found] == [
        (contact_id(store, "u1"), at(4), ids[REPS[0]])
    ]
    with store.connect() as conn:
        assert sales_queue(conn, ws, at(9)) == []


def test_a_task_is_completed_once(store: Engine) -> None:
    install(store)
    feed(store, mql("u1", 2))
    ws = workspace(store)
    with store.begin() as conn:
        task = add_task(conn, ws, "u1", NewTask("Call", TaskKind.CALL), now=NOW)
        complete_task(conn, ws, task, outcome="done", at=at(3), now=NOW)

    with (
        pytest.raises(InvalidInput, match=f"task {task} was already completed"),
        store.begin() as conn,
    ):
        complete_task(conn, ws, task, outcome="again", at=at(4), now=NOW)


def test_the_queue_shows_overdue_mqls_with_owner_and_age(store: Engine) -> None:
    install(store, spec_document(sla=SLA))
    people(store, *REPS)
    feed(store, [*mql("u1", 2), *mql("u2", 3)])

    with store.connect() as conn:
        queue = sales_queue(conn, workspace(store), at(3, hours=12))

    assert [
        (line["contact"], line["owner"], line["age_hours"], line["due_at"], line["status"])
        for line in queue
    ] == [(contact_id(store, "u1"), REPS[0], 36.0, at(3), "overdue")]


def test_a_call_on_a_contact_merged_in_becomes_the_first_touch_of_its_survivor(
    store: Engine,
) -> None:
    install(store)
    feed(store, [*mql("u1", 2), identify("b-i", at(2.5), anon="b", email="b@other.example")])
    ws = workspace(store)
    with store.begin() as conn:
        call = add_task(conn, ws, "b@other.example", NewTask("Call", TaskKind.CALL), now=NOW)
        complete_task(conn, ws, call, outcome="booked", at=at(3), now=NOW)

    feed(store, [identify("link", at(3.5), anon="b", user="u1")])  # b was u1 all along

    survivor = contact_id(store, "u1")
    with store.connect() as conn:
        touched = conn.scalar(
            select(lifecycle_visits.c.touched_at).where(
                lifecycle_visits.c.contact_id == survivor, lifecycle_visits.c.stage == "mql"
            )
        )
    assert touched == at(3)
    assert history_violations(store, ws.id) == []
