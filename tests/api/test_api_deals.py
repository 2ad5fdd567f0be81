"""`/api/v1/deals`: the pipeline over HTTP, every change with its history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import assert_problem, count
from fastapi.testclient import TestClient
from rest_support import World, populate
from sqlalchemy import Engine

from embudo.api.app import create_app
from embudo.store.tables import deal_stage_history, deals

NEW = {"contact": "ana@example.com", "pipeline": "new_business", "amount": "1200.50"}


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def _open(world: World, **fields: Any) -> dict[str, Any]:
    made = world.client.post("/api/v1/deals", json={**NEW, **fields}, headers=world.admin)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def test_create_move_and_win(world: World) -> None:
    deal = _open(world, title="Platform")
    assert (deal["stage"], deal["status"], deal["amount"]) == ("discovery", "open", "1200.50")
    url = f"/api/v1/deals/{deal['id']}"
    moved = world.client.post(f"{url}/move", json={"stage": "proposal"}, headers=world.admin)
    assert moved.json()["stage"] == "proposal"
    won = world.client.post(f"{url}/won", headers=world.admin).json()
    assert won["status"] == "won"
    assert [change["to_stage"] for change in won["history"]] == ["discovery", "proposal", "won"]
    contact = world.client.get("/api/v1/contacts/ana@example.com", headers=world.reader)
    assert contact.json()["stage"] == "customer"


def test_lost_with_recycle_and_list_filters(world: World) -> None:
    deal = _open(world)
    lost = world.client.post(
        f"/api/v1/deals/{deal['id']}/lost",
        json={"reason": "price", "recycle": True},
        headers=world.admin,
    )
    assert lost.json()["loss_reason"] == "price"
    listed = world.client.get("/api/v1/deals", params={"status": "lost"}, headers=world.reader)
    assert [row["id"] for row in listed.json()["data"]] == [deal["id"]]
    empty = world.client.get("/api/v1/deals", params={"status": "won"}, headers=world.reader)
    assert empty.json()["data"] == []


def test_edit_changes_only_what_is_sent(world: World) -> None:
    deal = _open(world, title="Platform", close_on="2026-12-31")
    url = f"/api/v1/deals/{deal['id']}"
    edited = world.client.patch(url, json={"amount": 999, "close_on": None}, headers=world.admin)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["amount"], body["close_on"], body["title"]) == ("999.00", None, "Platform")
    assert_problem(world.client.patch(url, json={"title": None}, headers=world.admin), 422)
    unknown = world.client.patch(url, json={"owner": "ghost@example.com"}, headers=world.admin)
    assert_problem(unknown, 422)
    missing = world.client.patch("/api/v1/deals/999", json={"title": "x"}, headers=world.admin)
    assert_problem(missing, 404)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**NEW, "pipeline": "nope"}, 422),
        ({**NEW, "amount": "-1"}, 422),
        ({**NEW, "colour": "red"}, 422),
        ({**NEW, "contact": "nobody@example.com"}, 422),
        ({**NEW, "owner": "ghost@example.com"}, 422),
    ],
    ids=["unknown pipeline", "negative", "unknown field", "unknown contact", "unknown owner"],
)
def test_a_refused_creation_writes_nothing(
    store: Engine, world: World, body: dict[str, Any], status: int
) -> None:
    assert_problem(world.client.post("/api/v1/deals", json=body, headers=world.admin), status)
    assert count(store, deals) == 0
    assert count(store, deal_stage_history) == 0


def test_a_refused_move_changes_nothing_and_other_workspaces_see_nothing(
    store: Engine, world: World
) -> None:
    deal = _open(world)
    url = f"/api/v1/deals/{deal['id']}"
    refused = world.client.post(f"{url}/move", json={"stage": "x"}, headers=world.admin)
    assert_problem(refused, 409)
    assert count(store, deal_stage_history) == 1
    assert_problem(world.client.get(url, headers=world.outsider), 404)
    moved = world.client.post(f"{url}/move", json={"stage": "demo"}, headers=world.outsider)
    assert_problem(moved, 404)
    assert count(store, deal_stage_history) == 1
