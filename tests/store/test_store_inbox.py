"""The inbox's queue and lease, on each backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.store.inbox import (
    put,
    queued,
    release_lease,
    remove,
    renew_lease,
    stored_documents,
    take_lease,
    unattended,
)
from embudo.store.workspaces import open_workspace

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)


def workspace(store: Engine, name: str = "acme") -> int:
    loaded = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml")
    with store.begin() as conn:
        apply_spec(conn, name, loaded.document, loaded.source, now=NOW)
        return open_workspace(conn, name).id


def messages(count: int, tag: str) -> list[dict[str, str]]:
    return [{"messageId": f"{tag}-{index}", "userId": tag} for index in range(count)]


def test_queued_batches_come_oldest_first_up_to_the_budget(store: Engine) -> None:
    acme, other = workspace(store), workspace(store, "other")
    with store.begin() as conn:
        first = put(conn, acme, "http:/v1/batch", messages(3, "a"), NOW)
        put(conn, other, "http:/v1/batch", messages(1, "o"), NOW)
        second = put(conn, acme, "http:/v1/batch", messages(2, "b"), LATER)
        third = put(conn, acme, "http:/v1/batch", messages(1, "c"), LATER)
    with store.connect() as conn:
        assert [batch.id for batch in queued(conn, acme, 5)] == [first, second]
        assert [batch.id for batch in queued(conn, acme, 1)] == [first]  # one even if over
        every = queued(conn, acme, 100)
    assert [batch.id for batch in every] == [first, second, third]
    assert every[0].documents == messages(3, "a")
    assert every[0].stored_texts == [json.dumps(m) for m in messages(3, "a")]
    assert every[0].source == "http:/v1/batch"
    assert every[1].received_at == LATER
    with store.begin() as conn:
        remove(conn, [first, second])
    with store.connect() as conn:
        assert [batch.id for batch in queued(conn, acme, 100)] == [third]


def test_a_lease_is_held_by_one_until_released_or_expired(store: Engine) -> None:
    acme = workspace(store)
    until = NOW + timedelta(seconds=30)
    with store.begin() as conn:
        assert take_lease(conn, acme, "first", NOW, until)
        assert not take_lease(conn, acme, "second", NOW, until)
        assert renew_lease(conn, acme, "first", until + timedelta(seconds=30))
        assert not take_lease(conn, acme, "second", until + timedelta(seconds=1), until)
    expired = until + timedelta(seconds=30)
    with store.begin() as conn:
        assert take_lease(conn, acme, "second", expired, expired + timedelta(seconds=30))
        assert not renew_lease(conn, acme, "first", expired + timedelta(seconds=60))
        release_lease(conn, acme, "first")  # not its lease any more: nothing happens
        assert not take_lease(conn, acme, "third", expired, expired)
        release_lease(conn, acme, "second")
        assert take_lease(conn, acme, "third", expired, expired + timedelta(seconds=30))


def test_unattended_workspaces_have_old_enough_batches_and_no_live_lease(store: Engine) -> None:
    acme, other, idle = workspace(store), workspace(store, "other"), workspace(store, "idle")
    with store.begin() as conn:
        put(conn, acme, "http:/v1/batch", messages(1, "a"), NOW)
        put(conn, other, "http:/v1/batch", messages(1, "o"), LATER)
        take_lease(conn, idle, "someone", NOW, LATER)
    with store.connect() as conn:
        assert unattended(conn, NOW, NOW) == [acme]
        assert unattended(conn, NOW, LATER) == [acme, other]
    with store.begin() as conn:
        take_lease(conn, acme, "holder", NOW, LATER)
    with store.connect() as conn:
        assert unattended(conn, NOW, LATER) == [other]
        assert unattended(conn, LATER, LATER) == [acme, other]  # its lease expired


def test_stored_documents_are_read_with_each_ones_text() -> None:
    documents: list[object] = [{"a": [1, {"b": "ñ, ]"}]}, "x", [], {}, None, 2.5]
    read, texts = stored_documents(json.dumps(documents))
    assert read == documents
    assert texts == [json.dumps(document) for document in documents]
    assert stored_documents(json.dumps(documents, indent=2))[0] == documents
    assert stored_documents(" [ ] ") == ([], [])
    assert stored_documents('[ {"a": 1} ,"\\u00e9"]') == (
        [{"a": 1}, "é"],
        ['{"a": 1}', '"\\u00e9"'],
    )
