"""The Segment-compatible intake over HTTP: keys, limits, gzip, bad bodies.

A refused request stores nothing; an accepted one answers `{"success": true}`
as Segment does, keeping the messages it cannot read as dead letters.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_support import assert_problem, basic, count, make_key, make_workspace
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from embudo.api.app import create_app
from embudo.domain.access import Role
from embudo.store.tables import dead_letters, events

TRACK = {"type": "track", "messageId": "m1", "userId": "u1", "event": "webinar_registered"}


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    make_workspace(store)
    with TestClient(create_app(engine=store)) as client:
        yield client


def test_track_with_basic_auth_is_stored(store: Engine, client: TestClient) -> None:
    response = client.post("/v1/track", json=TRACK, headers=basic(make_key(store)))
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert count(store, events, message_id="m1") == 1


def test_write_key_in_the_body_and_text_plain_are_accepted(
    store: Engine, client: TestClient
) -> None:
    """analytics.js sends text/plain (no CORS preflight) with `writeKey` in the body."""
    body = json.dumps({**TRACK, "writeKey": make_key(store, role=Role.INTAKE)})
    response = client.post("/v1/track", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert count(store, events) == 1


def test_each_single_endpoint_sets_the_message_type(store: Engine, client: TestClient) -> None:
    key = make_key(store)
    for kind in ("identify", "page", "screen"):
        message = {"messageId": kind, "anonymousId": "a1"}
        assert client.post(f"/v1/{kind}", json=message, headers=basic(key)).status_code == 200
    assert count(store, events, name="page") == 2
    assert count(store, events, name="identify") == 1


def test_a_message_without_message_id_gets_one(store: Engine, client: TestClient) -> None:
    message = {"userId": "u1", "event": "webinar_registered"}
    assert client.post("/v1/track", json=message, headers=basic(make_key(store))).status_code == 200
    assert count(store, events) == 1


def test_gzip_batch(store: Engine, client: TestClient) -> None:
    batch = {"batch": [TRACK, {**TRACK, "messageId": "m2"}]}
    headers = {**basic(make_key(store)), "Content-Encoding": "gzip"}
    body = gzip.compress(json.dumps(batch).encode())
    response = client.post("/v1/batch", content=body, headers=headers)
    assert response.status_code == 200
    assert count(store, events) == 2


def test_invalid_messages_are_dead_letters_and_the_rest_lands(
    store: Engine, client: TestClient
) -> None:
    batch = {"batch": [TRACK, {"type": "track", "messageId": "m9", "event": "x"}, 7]}
    response = client.post("/v1/batch", json=batch, headers=basic(make_key(store)))
    assert response.status_code == 200
    assert count(store, events) == 1
    assert count(store, dead_letters) == 2


def test_a_time_past_the_calendar_is_a_dead_letter_not_a_server_error(
    store: Engine, client: TestClient
) -> None:
    """9999-12-31 at -14:00 is past the calendar's end in UTC: refused while reading."""
    late = {**TRACK, "timestamp": "9999-12-31T23:59:59-14:00"}
    response = client.post("/v1/track", json=late, headers=basic(make_key(store)))
    assert response.status_code == 200
    assert count(store, events) == 0
    assert count(store, dead_letters) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic bm90LWEta2V5Og=="}, {"Authorization": "Basic !!"}],
    ids=["none", "unknown", "garbled"],
)
def test_a_missing_or_unknown_write_key_is_401(
    store: Engine, client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post("/v1/track", json=TRACK, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Basic")
    assert count(store, events) == 0


def test_a_revoked_or_read_only_key_cannot_send(store: Engine, client: TestClient) -> None:
    response = client.post("/v1/track", json=TRACK, headers=basic(make_key(store, role=Role.READ)))
    assert_problem(response, 403)
    assert count(store, events) == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/track", b'{"type": "track",'),
        ("/v1/track", b"[1, 2]"),
        ("/v1/batch", b'{"batch": 3}'),
        ("/v1/batch", b"\xff\xfe"),
        ("/v1/track", b'{"type": "track", "event": "a", "userId": "u\\u0000"}'),
        (
            "/v1/batch",
            b'{"batch": [{"type": "identify", "userId": "u", "traits": {"\\u0000": 1}}]}',
        ),
        (
            "/v1/track",
            b'{"type": "track", "event": "a", "userId": "u", "properties": {"x": "\\ud800"}}',
        ),
        ("/v1/batch", b'{"batch": [{"type": "identify", "userId": "\\udfff"}]}'),
    ],
)
def test_malformed_bodies_are_400(
    store: Engine, client: TestClient, path: str, body: bytes
) -> None:
    assert_problem(client.post(path, content=body, headers=basic(make_key(store))), 400)
    assert count(store, events) + count(store, dead_letters) == 0


def test_corrupt_gzip_is_400(store: Engine, client: TestClient) -> None:
    headers = {**basic(make_key(store)), "Content-Encoding": "gzip"}
    assert_problem(client.post("/v1/batch", content=b"not gzip", headers=headers), 400)


@pytest.mark.parametrize(("path", "size"), [("/v1/track", 33 * 1024), ("/v1/batch", 501 * 1024)])
def test_over_segment_limits_is_413_even_gzipped(
    store: Engine, client: TestClient, path: str, size: int
) -> None:
    """32 KB per message, 500 KB per batch: measured on the JSON, not on the gzip."""
    padding = "x" * size
    document: dict[str, Any] = {**TRACK, "properties": {"padding": padding}}
    if path.endswith("batch"):
        document = {"batch": [document]}
    headers = {**basic(make_key(store)), "Content-Encoding": "gzip"}
    body = gzip.compress(json.dumps(document).encode())
    assert len(body) < 10_000
    assert_problem(client.post(path, content=body, headers=headers), 413)
    assert count(store, events) + count(store, dead_letters) == 0


def test_a_body_over_the_server_cap_is_413(store: Engine, client: TestClient) -> None:
    body = b" " * (1024 * 1024 + 1)
    assert_problem(client.post("/v1/batch", content=body, headers=basic(make_key(store))), 413)


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing"), 404)
    assert_problem(client.get("/v1/track"), 405)


def test_analytics_js_short_paths(store: Engine, client: TestClient) -> None:
    """analytics.js posts `text/plain` to /v1/t, /v1/i, ... and /v1/b, `writeKey` in the body."""
    key = make_key(store, role=Role.INTAKE)
    headers = {"Content-Type": "text/plain"}
    for path, message in (
        ("/v1/i", {"messageId": "i", "userId": "u1", "traits": {"email": "a@example.com"}}),
        ("/v1/t", {"messageId": "t", "userId": "u1", "event": "webinar_registered"}),
        ("/v1/p", {"messageId": "p", "userId": "u1", "name": "Home"}),
    ):
        body = json.dumps({**message, "writeKey": key})
        assert client.post(path, content=body, headers=headers).status_code == 200
    batch = json.dumps({"batch": [{**TRACK, "messageId": "b1"}], "writeKey": key})
    assert client.post("/v1/b", content=batch, headers=headers).status_code == 200
    assert count(store, events) == 4
    assert count(store, events, name="page") == 1


def _occurred(store: Engine, message_id: str) -> datetime:
    with store.connect() as conn:
        query = select(events.c.occurred_at).where(events.c.message_id == message_id)
        moment: datetime = conn.execute(query).scalar_one()
        return moment


def test_a_clock_hours_wrong_is_corrected_from_the_time_of_arrival(
    store: Engine, client: TestClient
) -> None:
    device = datetime.now(UTC) + timedelta(hours=3)  # the phone's clock runs 3 h fast
    skewed = {"originalTimestamp": (device - timedelta(seconds=40)).isoformat(),
              "sentAt": device.isoformat()}  # fmt: skip
    key = make_key(store)
    before = datetime.now(UTC)
    one = client.post("/v1/track", json={**TRACK, **skewed}, headers=basic(key))
    second = {**TRACK, "messageId": "m2", "originalTimestamp": skewed["originalTimestamp"]}
    batch = {"batch": [second], "sentAt": skewed["sentAt"]}
    many = client.post("/v1/batch", json=batch, headers=basic(key))
    after = datetime.now(UTC)
    assert one.status_code == many.status_code == 200
    for message_id in ("m1", "m2"):
        moment = _occurred(store, message_id)
        assert before - timedelta(seconds=40) <= moment <= after - timedelta(seconds=40)


def test_an_explicit_timestamp_is_trusted_as_it_is(store: Engine, client: TestClient) -> None:
    timed = {"timestamp": "2026-10-01T09:00:00Z", "originalTimestamp": "2026-10-01T12:00:00Z",
             "sentAt": "2026-10-01T12:00:05Z"}  # fmt: skip
    response = client.post("/v1/track", json={**TRACK, **timed}, headers=basic(make_key(store)))
    assert response.status_code == 200
    assert _occurred(store, "m1") == datetime(2026, 10, 1, 9, tzinfo=UTC)
