"""What sales and ops run from the CLI, over HTTP: assignment, the queue, users, the SLA and
rot checks, dead letters and the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from api_support import NOW, assert_problem, count
from fastapi.testclient import TestClient
from rest_support import REP, World, populate
from sqlalchemy import Engine, select

from embudo.api.app import create_app
from embudo.domain.deals import DealSource
from embudo.engine.deals import create_deal
from embudo.store.tables import owner_assignments, sla_breaches, users
from embudo.store.workspaces import open_workspace


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def _rep_id(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(users.c.id).where(users.c.email == REP)) or 0)


def test_assign_a_lead_to_a_named_user_or_by_the_rules(store: Engine, world: World) -> None:
    url = "/api/v1/leads/bob@example.com/assign"
    named = world.client.post(url, json={"to": REP.upper()}, headers=world.admin)
    assert named.status_code == 200, named.text
    assert (named.json()["owner"], named.json()["rule"]) == (REP, "manual")
    by_rules = world.client.post(url, headers=world.admin)
    assert by_rules.json()["owner"] == REP and by_rules.json()["rule"] != "manual"
    listed = world.client.get("/api/v1/contacts", params={"owner": REP}, headers=world.reader)
    assert "bob@example.com" in [row["email"] for row in listed.json()["data"]]


def test_a_refused_assignment_writes_nothing(store: Engine, world: World) -> None:
    before = count(store, owner_assignments)
    url = "/api/v1/leads/bob@example.com/assign"
    assert_problem(
        world.client.post(url, json={"to": "nobody@x.example"}, headers=world.admin), 422
    )
    assert_problem(world.client.post(url, json={"owner": REP}, headers=world.admin), 422)
    assert_problem(world.client.post(url, headers=world.reader), 403)
    assert_problem(world.client.post(url, headers=world.outsider), 404)
    gone = world.client.post("/api/v1/leads/nobody/assign", json={"to": REP}, headers=world.admin)
    assert_problem(gone, 404)
    world.client.post(f"/api/v1/users/{_rep_id(store)}/deactivate", headers=world.admin)
    body = assert_problem(world.client.post(url, headers=world.admin), 409)
    assert body["code"] == "handoff.no_owner" and "sales" in body["detail"]
    assert count(store, owner_assignments) == before


def test_the_queue_shows_mqls_past_their_first_touch(world: World) -> None:
    queued = world.client.get("/api/v1/queue", headers=world.reader)
    assert queued.status_code == 200, queued.text
    assert [(row["email"], row["owner"], row["status"]) for row in queued.json()] == [
        ("ana@example.com", REP, "overdue")
    ]
    assert world.client.get("/api/v1/queue", headers=world.outsider).json() == []


def test_the_sla_check_records_each_breach_once(store: Engine, world: World) -> None:
    assert_problem(world.client.post("/api/v1/checks/sla", headers=world.reader), 403)
    first = world.client.post("/api/v1/checks/sla", headers=world.admin)
    assert first.json() == {"recorded": 1, "first_touch_hours": 24.0}
    again = world.client.post("/api/v1/checks/sla", headers=world.admin)
    assert again.json()["recorded"] == 0
    assert count(store, sla_breaches) == 1
    other = world.client.post("/api/v1/checks/sla", headers=world.outsider)
    assert other.json()["recorded"] == 0


def test_users_list_add_deactivate_and_activate(store: Engine, world: World) -> None:
    made = world.client.post(
        "/api/v1/users", json={"email": "Luis@Acme.example", "name": "Luis"}, headers=world.admin
    )
    assert made.status_code == 201, made.text
    assert (made.json()["email"], made.json()["team"], made.json()["active"]) == (
        "luis@acme.example", "sales", True,
    )  # fmt: skip
    user_id = made.json()["id"]
    off = world.client.post(f"/api/v1/users/{user_id}/deactivate", headers=world.admin)
    assert off.json()["active"] is False
    listed = world.client.get("/api/v1/users", headers=world.reader).json()
    assert [(row["email"], row["active"]) for row in listed] == [
        ("luis@acme.example", False), (REP, True),
    ]  # fmt: skip
    on = world.client.post(f"/api/v1/users/{user_id}/activate", headers=world.admin)
    assert world.client.get(f"/api/v1/users/{user_id}", headers=world.reader).json() == on.json()
    assert on.json()["active"] is True


def test_a_refused_user_change_writes_nothing(store: Engine, world: World) -> None:
    before = count(store, users)
    for body in (
        {"email": REP},
        {"email": "not-an-email"},
        {"email": "x@acme.example", "team": "Sales Team"},
        {"email": "x@acme.example", "name": "x\u0000"},
        {"email": "x@acme.example", "password": "secret"},
    ):
        assert_problem(world.client.post("/api/v1/users", json=body, headers=world.admin), 422)
    new = {"email": "x@acme.example"}
    assert_problem(world.client.post("/api/v1/users", json=new, headers=world.reader), 403)
    assert count(store, users) == before
    rep = _rep_id(store)
    for path in (f"/api/v1/users/{rep}/deactivate", "/api/v1/users/9999/deactivate"):
        assert_problem(world.client.post(path, headers=world.outsider), 404)
    assert_problem(world.client.get(f"/api/v1/users/{rep}", headers=world.outsider), 404)
    assert count(store, users, active=True) == before


def _stalled_deal(store: Engine) -> int:
    """A deal opened on NOW (weeks ago): past its first stage's 14 rotting days."""
    with store.begin() as conn:
        workspace = open_workspace(conn, "default")
        return create_deal(
            conn, workspace, "ana@example.com", pipeline="new_business", amount=Decimal(100),
            actor="test", source=DealSource.API, now=NOW,
        )  # fmt: skip


def test_the_rot_check_runs_each_rot_once_and_queues_its_notice(
    store: Engine, world: World
) -> None:
    deal_id = _stalled_deal(store)
    assert_problem(world.client.post("/api/v1/checks/deal-rot", headers=world.reader), 403)
    ran = world.client.post("/api/v1/checks/deal-rot", headers=world.admin)
    assert ran.status_code == 200, ran.text
    assert ran.json()["rotting"] == 1
    [run] = ran.json()["runs"]
    assert run["playbook"] == "stalled_deal" and str(deal_id) in run["subject"]
    again = world.client.post("/api/v1/checks/deal-rot", headers=world.admin).json()
    assert again == {"rotting": 1, "runs": []}
    first = world.client.get("/api/v1/outbox", headers=world.reader)
    assert "Link" not in first.headers, "one message: no next page to link"
    pending = first.json()
    assert [(row["topic"], row["delivered_at"]) for row in pending["data"]] == [
        ("sales-managers", None)
    ]
    everything = world.client.get("/api/v1/outbox", params={"status": "all"}, headers=world.reader)
    assert everything.json()["data"] == pending["data"]
    assert world.client.get("/api/v1/outbox", headers=world.outsider).json()["data"] == []


def test_dead_letters_show_payload_and_reason_to_their_workspace_only(world: World) -> None:
    bad = {"type": "track", "messageId": "bad-1", "event": "x"}
    world.client.post("/v1/batch", json={"batch": [bad]}, headers=world.writer)
    [letter] = world.client.get("/api/v1/dead-letters", headers=world.reader).json()["data"]
    assert '"bad-1"' in letter["payload"] and letter["reason"]
    assert world.client.get("/api/v1/dead-letters", headers=world.outsider).json()["data"] == []
    assert_problem(world.client.get("/api/v1/dead-letters"), 401)
