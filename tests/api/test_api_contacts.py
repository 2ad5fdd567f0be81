"""`/api/v1/contacts` and `/api/v1/leads`: reading the directory, moving leads."""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pytest
from api_support import assert_problem, count
from fastapi.testclient import TestClient
from rest_support import REP, World, populate
from sqlalchemy import Engine

from embudo.analytics.directory import SORTS
from embudo.api.app import create_app
from embudo.api.routers.contacts import Sort
from embudo.store.tables import lifecycle_transitions


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def test_list_filters_sorts_and_pages(world: World) -> None:
    got = world.client.get("/api/v1/contacts", params={"stage": "mql"}, headers=world.reader)
    assert [row["email"] for row in got.json()["data"]] == ["ana@example.com"]
    first = world.client.get(
        "/api/v1/contacts", params={"limit": 1, "sort": "email"}, headers=world.reader
    ).json()
    assert [row["email"] for row in first["data"]] == ["ana@example.com"]
    assert first["next_offset"] == 1
    second = world.client.get(
        "/api/v1/contacts", params={"limit": 1, "offset": 1, "sort": "email"}, headers=world.reader
    ).json()
    assert [row["email"] for row in second["data"]] == ["bob@example.com"]
    assert second["next_offset"] is None


def test_list_by_owner(world: World) -> None:
    got = world.client.get("/api/v1/contacts", params={"owner": REP}, headers=world.reader)
    assert [(row["email"], row["owner"]) for row in got.json()["data"]] == [
        ("ana@example.com", REP)
    ]


def test_a_repeated_query_parameter_is_422(world: World) -> None:
    got = world.client.get("/api/v1/contacts?stage=mql&stage=lead", headers=world.reader)
    assert "stage" in assert_problem(got, 422)["detail"]


def test_every_sort_of_the_directory_is_offered() -> None:
    offered = set(typing.get_args(Sort))
    assert offered == {*SORTS, *(f"-{key}" for key in SORTS)}


def test_get_explains_score_and_stage_with_the_timeline(world: World) -> None:
    got = world.client.get("/api/v1/contacts/ana@example.com", headers=world.reader)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["stage"] == "mql"
    assert [move["to_stage"] for move in body["transitions"]][-1] == "mql"
    assert [event["name"] for event in body["timeline"]] == [
        "webinar_watched",
        "webinar_registered",
        "identify",
    ]
    assert {rule["rule"] for rule in body["score_rules"]}


def test_auth_roles_and_workspaces(world: World) -> None:
    assert_problem(world.client.get("/api/v1/contacts"), 401)
    bad = {"Authorization": "Bearer emb_nope"}
    assert_problem(world.client.get("/api/v1/contacts", headers=bad), 401)
    assert_problem(world.client.post("/api/v1/leads/ana/accept", headers=world.reader), 403)
    assert_problem(world.client.get("/api/v1/contacts/ana", headers=world.outsider), 404)
    other = world.client.get("/api/v1/contacts", headers=world.outsider).json()
    assert other["data"] == []


def test_accept_moves_the_mql_to_sal(store: Engine, world: World) -> None:
    got = world.client.post("/api/v1/leads/ana@example.com/accept", headers=world.admin)
    assert got.status_code == 200, got.text
    assert (got.json()["from_stage"], got.json()["to_stage"]) == ("mql", "sal")
    assert count(store, lifecycle_transitions, actor="api:test admin") == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": "bored"}, 422),
        ({"reason": "no_budget", "by": "x"}, 422),
        ({}, 422),
        (b'{"reason": ', 400),
    ],
    ids=["unknown reason", "unknown field", "missing reason", "malformed"],
)
def test_a_refused_rejection_changes_nothing(
    store: Engine, world: World, body: object, status: int
) -> None:
    before = count(store, lifecycle_transitions)
    url = "/api/v1/leads/ana/reject"
    if isinstance(body, bytes):
        headers = {**world.admin, "Content-Type": "application/json"}
        got = world.client.post(url, content=body, headers=headers)
    else:
        got = world.client.post(url, json=body, headers=world.admin)
    assert_problem(got, status)
    assert count(store, lifecycle_transitions) == before


def test_reject_then_recycle_rules(world: World) -> None:
    rejected = world.client.post(
        "/api/v1/leads/ana/reject", json={"reason": "no_budget"}, headers=world.admin
    )
    assert rejected.json()["to_stage"] == "nurture"
    disqualified = world.client.post(
        "/api/v1/leads/bob/disqualify", json={"reason": "spam"}, headers=world.admin
    )
    assert disqualified.json()["to_stage"] == "disqualified"
    reopened = world.client.post("/api/v1/leads/bob/reopen", headers=world.admin)
    assert reopened.status_code == 200, reopened.text


def test_a_move_the_definition_forbids_is_409(world: World) -> None:
    assert_problem(world.client.post("/api/v1/leads/bob/accept", headers=world.admin), 409)
