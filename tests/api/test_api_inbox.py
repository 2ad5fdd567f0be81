"""`/v1/batch` through the inbox: answered once stored, applied by whoever holds the lease."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from api_support import basic, count, make_key, make_workspace, wait_applied
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from embudo.api.app import create_app
from embudo.api.inbox_drainer import STRANDED, InboxDrainer
from embudo.engine.inbox import LEASE
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.inbox import take_lease
from embudo.store.session import for_writing
from embudo.store.tables import events, inbox, inbox_leases


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    make_workspace(store)
    with TestClient(create_app(engine=store)) as client:
        yield client


def batch(number: int) -> dict[str, object]:
    message = {"type": "track", "userId": f"u{number}", "event": "webinar_registered"}
    return {"batch": [{**message, "messageId": f"m{number}-{index}"} for index in range(3)]}


def held_by_a_dead_applier(store: Engine, until: datetime) -> None:
    with store.begin() as conn:
        assert take_lease(conn, 1, "died", until - LEASE, until)


def test_one_request_at_a_time_finds_its_batch_applied_when_answered(
    store: Engine, client: TestClient
) -> None:
    key = make_key(store)
    for number in range(5):
        assert client.post("/v1/batch", json=batch(number), headers=basic(key)).is_success
        assert count(store, events) == 3 * (number + 1)
        assert count(store, inbox) == 0


def test_a_batch_waits_for_the_lease_holder_and_the_next_request_takes_an_expired_one(
    store: Engine, client: TestClient
) -> None:
    key = make_key(store)
    held_by_a_dead_applier(store, datetime.now(UTC) + LEASE)
    assert client.post("/v1/batch", json=batch(0), headers=basic(key)).json() == {"success": True}
    assert count(store, events) == 0 and count(store, inbox) == 1
    with store.begin() as conn:  # the lease runs out
        conn.execute(update(inbox_leases).values(expires_at=datetime.now(UTC) - timedelta(1)))
    assert client.post("/v1/batch", json=batch(1), headers=basic(key)).is_success
    assert count(store, events) == 6 and count(store, inbox) == 0


def test_the_drainer_applies_batches_whose_holder_died(store: Engine, client: TestClient) -> None:
    key = make_key(store)
    expiry = datetime.now(UTC) + LEASE
    held_by_a_dead_applier(store, expiry)
    assert client.post("/v1/batch", json=batch(0), headers=basic(key)).is_success
    assert count(store, inbox) == 1
    later = expiry + STRANDED
    drainer = InboxDrainer(for_writing(store), OpenedWorkspaces(), lambda: later, interval=0.01)
    drainer.start()
    try:
        wait_applied(store)
    finally:
        drainer.close()
    assert count(store, events) == 3
