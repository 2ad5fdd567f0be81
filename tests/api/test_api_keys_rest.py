"""`/api/v1/api-keys`: an admin issues, lists and revokes keys; nobody else may."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import assert_problem
from fastapi.testclient import TestClient
from rest_support import World, populate
from sqlalchemy import Engine

from embudo.api.app import create_app


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def test_issue_use_and_revoke_a_key(world: World) -> None:
    made = world.client.post(
        "/api/v1/api-keys", json={"name": "dashboard", "role": "read"}, headers=world.admin
    )
    assert made.status_code == 201, made.text
    issued = made.json()
    bearer = {"Authorization": f"Bearer {issued['secret']}"}
    assert world.client.get("/api/v1/contacts", headers=bearer).status_code == 200
    listed = world.client.get("/api/v1/api-keys", headers=world.admin)
    assert issued["secret"] not in listed.text
    assert "dashboard" in [key["name"] for key in listed.json()]
    gone = world.client.delete(f"/api/v1/api-keys/{issued['id']}", headers=world.admin)
    assert gone.status_code == 204
    assert_problem(world.client.get("/api/v1/contacts", headers=bearer), 401)


def test_only_admins_and_only_their_workspace(world: World) -> None:
    assert_problem(world.client.get("/api/v1/api-keys", headers=world.reader), 403)
    theirs = world.client.get("/api/v1/api-keys", headers=world.outsider).json()
    mine = world.client.get("/api/v1/api-keys", headers=world.admin).json()
    assert {key["id"] for key in theirs}.isdisjoint({key["id"] for key in mine})
    first = mine[0]["id"]
    assert_problem(world.client.delete(f"/api/v1/api-keys/{first}", headers=world.outsider), 404)
