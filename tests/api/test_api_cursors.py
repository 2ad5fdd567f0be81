"""Cursor pages: whole while rows are added, in every sort, and refused when not ours."""

from __future__ import annotations

import base64
import json
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import NOW, assert_problem, journey
from fastapi.testclient import TestClient
from rest_support import World, populate
from sqlalchemy import Engine

from embudo.analytics.deals import SORTS
from embudo.api.app import create_app
from embudo.api.routers.deals import Sort


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    with TestClient(create_app(engine=store)) as client:
        yield populate(store, client)


def _send(world: World, *messages: dict[str, Any]) -> None:
    sent = world.client.post("/v1/batch", json={"batch": list(messages)}, headers=world.writer)
    assert sent.status_code == 200, sent.text


def _anonymous(name: str) -> dict[str, Any]:
    """A visitor who never gave an email: a contact whose email is null."""
    moment = NOW.isoformat()
    return {"type": "track", "messageId": name, "anonymousId": name, "event": "page_viewed",
            "timestamp": moment}  # fmt: skip


def _page(world: World, path: str, **params: Any) -> dict[str, Any]:
    got = world.client.get(path, params=params, headers=world.reader)
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    assert got.headers.get("Link") == (f'<{body["next"]}>; rel="next"' if body["next"] else None)
    return body


def _walk(world: World, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of `path`, a cursor page at a time."""
    page = _page(world, path, **params)
    rows = list(page["data"])
    while page["next_cursor"]:
        page = _page(world, path, **params, cursor=page["next_cursor"])
        assert page["offset"] is None and page["next_offset"] is None
        rows += page["data"]
    return rows


def test_contact_pages_stay_whole_while_contacts_arrive(world: World) -> None:
    _send(world, *journey("cat", "cat@example.com"), *journey("dan", "dan@example.com"))
    first = _page(world, "/api/v1/contacts", sort="email", limit=2)
    assert [row["email"] for row in first["data"]] == ["ana@example.com", "bob@example.com"]
    assert first["next_offset"] == 2
    _send(world, *journey("aba", "aba@example.com"), *journey("eve", "eve@example.com"))
    by_cursor = _page(world, "/api/v1/contacts", sort="email", limit=2,
                      cursor=first["next_cursor"])  # fmt: skip
    assert [row["email"] for row in by_cursor["data"]] == ["cat@example.com", "dan@example.com"]
    by_offset = _page(world, "/api/v1/contacts", sort="email", limit=2, offset=2)
    assert by_offset["data"][0]["email"] == "bob@example.com", "offsets shift on inserts"
    linked = world.client.get(by_cursor["next"], headers=world.reader)
    assert by_cursor["next"].startswith("/api/v1/contacts?")
    assert linked.headers.get("Link") is None
    last = linked.json()
    assert [row["email"] for row in last["data"]] == ["eve@example.com"]
    assert (last["next_cursor"], last["next"]) == (None, None)


@pytest.mark.parametrize("sort", ["email", "-email", "score", "-score", "-last_seen_at", "id"])
def test_a_cursor_walk_meets_every_contact_once_in_the_offset_order(
    world: World, sort: str
) -> None:
    _send(world, _anonymous("anon-1"), _anonymous("anon-2"), *journey("cat", "cat@example.com"))
    whole = _page(world, "/api/v1/contacts", sort=sort, limit=200)["data"]
    assert len(whole) == 5 and None in [row["email"] for row in whole]
    walked = _walk(world, "/api/v1/contacts", sort=sort, limit=2)
    assert [row["id"] for row in walked] == [row["id"] for row in whole]


def test_nulls_come_last_in_either_direction(world: World) -> None:
    _send(world, _anonymous("anon-1"))
    for sort in ("email", "-email"):
        rows = _page(world, "/api/v1/contacts", sort=sort)["data"]
        assert rows[-1]["email"] is None


def test_filters_hold_across_cursor_pages(world: World) -> None:
    _send(world, *journey("cat", "cat@example.com", "webinar_registered", "webinar_watched"))
    walked = _walk(world, "/api/v1/contacts", stage="mql", sort="-score", limit=1)
    assert sorted(row["email"] for row in walked) == ["ana@example.com", "cat@example.com"]


def _deal(world: World, amount: str) -> int:
    body = {"contact": "ana@example.com", "pipeline": "new_business", "amount": amount}
    made = world.client.post("/api/v1/deals", json=body, headers=world.admin)
    assert made.status_code == 201, made.text
    deal_id: int = made.json()["id"]
    return deal_id


def test_deal_pages_by_amount_stay_whole_while_deals_arrive(world: World) -> None:
    ids = {amount: _deal(world, amount) for amount in ("300", "100", "200.5")}
    first = _page(world, "/api/v1/deals", sort="-amount", limit=2)
    assert [row["id"] for row in first["data"]] == [ids["300"], ids["200.5"]]
    cheaper, dearer = _deal(world, "50"), _deal(world, "1000")
    rest = _walk(world, "/api/v1/deals", sort="-amount", limit=2, cursor=first["next_cursor"])
    assert [row["id"] for row in rest] == [ids["100"], cheaper]
    assert dearer not in [row["id"] for row in rest]


def test_task_pages_run_soonest_due_first_and_undated_last(world: World) -> None:
    for title, due in (
        ("later", "2026-12-03T10:00:00Z"),
        ("undated", None),
        ("sooner", "2026-12-01T10:00:00Z"),
        ("again", "2026-12-03T10:00:00Z"),
    ):
        body = {"contact": "bob@example.com", "title": title, "due_at": due}
        assert world.client.post("/api/v1/tasks", json=body, headers=world.admin).status_code == 201
    whole = _page(world, "/api/v1/tasks", limit=200)["data"]
    walked = _walk(world, "/api/v1/tasks", limit=1)
    assert [row["id"] for row in walked] == [row["id"] for row in whole]
    mine = [row["title"] for row in walked if row["contact"] == "bob@example.com"]
    assert mine == ["sooner", "later", "again", "undated"]


def test_dead_letter_pages_run_newest_first_and_skip_nothing(world: World) -> None:
    _send(world, *({"type": "track", "messageId": f"bad-{n}", "event": "x"} for n in range(3)))
    first = _page(world, "/api/v1/dead-letters", limit=2)
    assert [json.loads(row["payload"])["messageId"] for row in first["data"]] == ["bad-2", "bad-1"]
    assert all(row["reason"] for row in first["data"])
    _send(world, {"type": "track", "messageId": "bad-3", "event": "x"})
    rest = _page(world, "/api/v1/dead-letters", limit=2, cursor=first["next_cursor"])
    assert [json.loads(row["payload"])["messageId"] for row in rest["data"]] == ["bad-0"]
    assert rest["next_cursor"] is None


def _forged(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("-score", "not a cursor"),
        ("-score", "////"),
        ("-score", _forged("-score", 1.0)),
        ("-score", _forged("-score", "high", 1)),
        ("-score", _forged("-score", 1.0, 2**70)),
        ("-score", _forged("-score", 1.0, True)),
        ("-score", _forged("-score", None, 1)),
        ("-score", base64.urlsafe_b64encode(b'["-score", NaN, 1]').decode()),
        ("-score", _forged("email", "ana@example.com", 1)),
        ("-stage_at", _forged("-stage_at", "2026-11-01T09:00:00", 1)),
        ("-stage_at", _forged("-stage_at", "yesterday", 1)),
        ("email", _forged("email", "ana\u0000@example.com", 1)),
    ],
)
def test_a_cursor_not_ours_is_a_422_problem(world: World, sort: str, cursor: str) -> None:
    got = world.client.get(
        "/api/v1/contacts", params={"cursor": cursor, "sort": sort}, headers=world.reader
    )
    assert "cursor" in assert_problem(got, 422)["detail"]


def test_a_cursor_with_an_offset_is_a_422_problem(world: World) -> None:
    cursor = _page(world, "/api/v1/contacts", limit=1)["next_cursor"]
    got = world.client.get(
        "/api/v1/contacts", params={"cursor": cursor, "offset": 1}, headers=world.reader
    )
    assert "not both" in assert_problem(got, 422)["detail"]


def test_a_cursor_of_another_sort_says_which(world: World) -> None:
    cursor = _page(world, "/api/v1/contacts", limit=1, sort="email")["next_cursor"]
    got = world.client.get(
        "/api/v1/contacts", params={"cursor": cursor, "sort": "-score"}, headers=world.reader
    )
    assert "sort=email" in assert_problem(got, 422)["detail"]


def test_a_cursor_shows_nothing_of_another_workspace(world: World) -> None:
    cursor = _page(world, "/api/v1/contacts", limit=1)["next_cursor"]
    other = world.client.get("/api/v1/contacts", params={"cursor": cursor},
                             headers=world.outsider)  # fmt: skip
    assert other.status_code == 200 and other.json()["data"] == []


def test_a_timeline_pages_back_in_time_while_events_arrive(world: World) -> None:
    path = "/api/v1/contacts/ana@example.com/events"
    first = _page(world, path, limit=2)
    assert [row["name"] for row in first["data"]] == ["webinar_watched", "webinar_registered"]
    later = NOW.replace(hour=10).isoformat()
    _send(world, {"type": "track", "messageId": "ana-later", "userId": "ana",
                  "event": "pricing_viewed", "timestamp": later})  # fmt: skip
    rest = _walk(world, path, limit=2, cursor=first["next_cursor"])
    assert [row["name"] for row in rest] == ["identify"]
    assert _page(world, path)["data"][0]["name"] == "pricing_viewed"
    assert_problem(world.client.get(path, headers=world.outsider), 404)
    assert_problem(world.client.get("/api/v1/contacts/nobody/events", headers=world.reader), 404)


def test_every_sort_of_the_deals_is_offered() -> None:
    assert set(typing.get_args(Sort)) == {*SORTS, *(f"-{key}" for key in SORTS)}


def test_a_next_page_is_linked_in_the_header_for_any_client(world: World) -> None:
    got = world.client.get(
        "/api/v1/contacts",
        params={"limit": 1},
        headers={**world.reader, "Origin": "https://app.example"},
    )
    link = got.links["next"]["url"]
    assert link == got.json()["next"] and "cursor=" in link and "limit=1" in link
    assert "link" in got.headers["access-control-expose-headers"].lower()
