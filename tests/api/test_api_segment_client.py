"""The real segment-analytics-python client, pointed at embudo served by uvicorn.

What a user does: create a write key, set `host` to embudo's address, track.
The client batches messages to `/v1/batch` with basic auth (and gzip when
asked); the store must then hold the events on one stitched contact, and a
resend must change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import NOW, count, live_server, make_key, make_workspace
from segment.analytics.client import Client
from sqlalchemy import Engine, select

from embudo.api.app import create_app
from embudo.domain.access import Role
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, dead_letters, events
from embudo.store.workspaces import open_workspace


def workspace_of(store: Engine) -> int:
    with store.connect() as conn:
        return open_workspace(conn, "default").id


@pytest.fixture
def server(store: Engine) -> Iterator[str]:
    make_workspace(store)
    with live_server(create_app(engine=store)) as url:
        yield url


def _client(url: str, key: str, errors: list[Any], *, gzip: bool) -> Client:
    def on_error(error: Exception, batch: list[Any]) -> None:
        errors.append(error)

    return Client(key, host=url, gzip=gzip, sync_mode=False, on_error=on_error, max_retries=0)


def _journey(client: Client) -> None:
    """An anonymous visitor reads, registers for the webinar, then says who she is."""
    at = NOW.isoformat()
    client.page(anonymous_id="anon-1", name="Pricing", timestamp=NOW, message_id="p1")
    client.track(anonymous_id="anon-1", event="webinar_registered", timestamp=NOW, message_id="t1")
    client.identify(
        user_id="u1",
        anonymous_id="anon-1",
        traits={"email": "ana@example.com", "signed_up": at},
        timestamp=NOW,
        message_id="i1",
    )
    client.track(user_id="u1", event="webinar_watched", timestamp=NOW, message_id="t2")
    client.flush()


@pytest.mark.parametrize("gzip", [False, True])
def test_segment_client_events_land_on_one_stitched_contact(
    store: Engine, server: str, gzip: bool
) -> None:
    workspace_id = workspace_of(store)
    errors: list[Any] = []
    client = _client(server, make_key(store, role=Role.INTAKE), errors, gzip=gzip)
    _journey(client)
    client.shutdown()
    assert errors == []
    assert count(store, events) == 4
    with store.connect() as conn:
        by_email = find_contact(conn, workspace_id, "ana@example.com")
        assert find_contact(conn, workspace_id, "anon-1") == by_email
        stage = conn.scalar(select(contacts.c.stage).where(contacts.c.id == by_email))
    assert stage == "mql"


def test_segment_client_resend_is_a_no_op(store: Engine, server: str) -> None:
    key = make_key(store, role=Role.INTAKE)
    for _ in range(2):
        errors: list[Any] = []
        client = _client(server, key, errors, gzip=False)
        _journey(client)
        client.shutdown()
        assert errors == []
    assert count(store, events) == 4
    assert count(store, dead_letters) == 0


def test_segment_client_with_an_unknown_write_key_stores_nothing(
    store: Engine, server: str
) -> None:
    errors: list[Any] = []
    client = _client(server, "emb_not-a-key", errors, gzip=False)
    _journey(client)
    client.shutdown()
    assert errors, "the client should have been told the key is wrong"
    assert count(store, events) == 0
