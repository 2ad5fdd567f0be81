"""`/api/v1/tasks`, `/api/v1/lists`, `/api/v1/funnel`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import assert_problem, count
from fastapi.testclient import TestClient
from rest_support import World, populate
from sqlalchemy import Engine

from embudo.api.app import create_app
from embudo.io.spec_file import template_text
from embudo.store.tables import spec_versions, tasks


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def test_add_list_and_complete_a_task(world: World) -> None:
    body = {"contact": "ana@example.com", "title": "Call Ana", "kind": "call"}
    made = world.client.post("/api/v1/tasks", json=body, headers=world.admin)
    assert made.status_code == 201, made.text
    task_id = made.json()["id"]
    listed = world.client.get("/api/v1/tasks", headers=world.reader).json()
    mine = [task for task in listed["data"] if task["title"] == "Call Ana"]
    assert [(task["id"], task["contact"]) for task in mine] == [(task_id, "ana@example.com")]
    done = world.client.post(
        f"/api/v1/tasks/{task_id}/done", json={"outcome": "demo booked"}, headers=world.admin
    )
    assert done.json()["kind"] == "call"
    still_open = world.client.get("/api/v1/tasks", headers=world.reader).json()["data"]
    assert task_id not in [task["id"] for task in still_open]
    closed = world.client.get("/api/v1/tasks", params={"status": "all"}, headers=world.reader)
    assert task_id in [task["id"] for task in closed.json()["data"]]
    again = world.client.post(
        f"/api/v1/tasks/{task_id}/done", json={"outcome": "twice"}, headers=world.admin
    )
    assert_problem(again, 422)


def test_a_refused_task_writes_nothing(store: Engine, world: World) -> None:
    before = count(store, tasks)
    for body in (
        {"contact": "nobody", "title": "x"},
        {"contact": "ana", "title": "x", "kind": "fax"},
        {"contact": "ana", "title": "x", "due_at": "2026-12-01T10:00"},
        {"contact": "ana", "title": "call\u0000back"},
    ):
        assert_problem(world.client.post("/api/v1/tasks", json=body, headers=world.admin), 422)
    lone = b'{"contact": "ana", "title": "call\\ud800back"}'  # an unpaired surrogate
    headers = {**world.admin, "Content-Type": "application/json"}
    assert_problem(world.client.post("/api/v1/tasks", content=lone, headers=headers), 422)
    assert count(store, tasks) == before
    done = world.client.post("/api/v1/tasks/77/done", json={"outcome": "x"}, headers=world.admin)
    assert_problem(done, 404)


def test_an_unknown_list_is_404(world: World) -> None:
    assert_problem(world.client.get("/api/v1/lists/loyalty", headers=world.reader), 404)


def test_get_validate_and_apply_the_funnel(store: Engine, world: World) -> None:
    current = world.client.get("/api/v1/funnel", headers=world.reader).json()
    assert current["version"] == 1
    changed = template_text("b2b-saas").replace("half_life_days: 60", "half_life_days: 45")
    assert changed != template_text("b2b-saas")
    checked = world.client.post(
        "/api/v1/funnel/validate", json={"yaml": changed}, headers=world.reader
    ).json()
    assert checked == {"version": 2, "changed": True, "applied": False}
    assert count(store, spec_versions) == 2
    assert_problem(
        world.client.put("/api/v1/funnel", json={"yaml": changed}, headers=world.reader), 403
    )
    applied = world.client.put("/api/v1/funnel", json={"yaml": changed}, headers=world.admin)
    assert applied.json() == {"version": 2, "changed": True, "applied": True}
    assert count(store, spec_versions) == 3


def test_an_invalid_funnel_is_422_with_each_problem_and_its_line(
    store: Engine, world: World
) -> None:
    broken = template_text("b2b-saas").replace(
        "- event: webinar_watched", "- event: webinar_wached"
    )
    got = world.client.put("/api/v1/funnel", json={"yaml": broken}, headers=world.admin)
    problem = assert_problem(got, 422)
    assert any(
        "embudo.yaml:" in error["msg"] and "webinar_wached" in error["msg"]
        for error in problem["errors"]
    )
    assert count(store, spec_versions) == 2


def test_a_list_shows_who_a_playbook_added(world: World) -> None:
    body = {"contact": "ana", "pipeline": "new_business", "amount": "10"}
    assert world.client.post("/api/v1/deals", json=body, headers=world.admin).status_code == 201
    got = world.client.get("/api/v1/lists/sales_nurture", headers=world.reader)
    assert [member["email"] for member in got.json()["members"]] == ["ana@example.com"]
