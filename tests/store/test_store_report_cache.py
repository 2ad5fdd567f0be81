"""The report cache's rows and the data version, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from embudo.domain.sla import TaskKind
from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.engine.tasks import NewTask, add_task, complete_task
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.store.report_cache import (
    FAILED,
    CacheEntry,
    CacheKey,
    claim_first,
    claim_refresh,
    data_version,
    drop_pending,
    latest_result,
    read_entry,
    release_claim,
    remove_unread,
    store_entry,
)
from embudo.store.workspaces import open_workspace

NOW = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)
TIMEOUT = timedelta(minutes=30)


@pytest.fixture
def workspace_id(store: Engine) -> int:
    loaded = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml")
    with store.begin() as conn:
        apply_spec(conn, "acme", loaded.document, loaded.source, now=NOW)
        return open_workspace(conn, "acme").id


def _version(store: Engine) -> str:
    with store.connect() as conn:
        return data_version(conn)


def _identify(store: Engine, number: int) -> None:
    message = {
        "type": "identify",
        "messageId": f"m-{number}",
        "userId": f"u-{number}",
        "traits": {"email": f"person{number}@acme.example"},
        "timestamp": "2026-01-29T10:00:00Z",
    }
    ingest(store, "acme", [read_payload("test", message)], now=NOW)


def test_the_version_changes_with_every_write_the_reports_see_and_only_then(
    store: Engine, workspace_id: int
) -> None:
    empty = _version(store)
    assert _version(store) == empty, "reading changes nothing"
    _identify(store, 1)
    contact = _version(store)
    assert contact != empty
    with store.begin() as conn:
        workspace = open_workspace(conn, "acme")
        task = add_task(conn, workspace, "u-1", NewTask("Call", TaskKind.CALL), now=NOW)
    opened = _version(store)
    assert opened != contact
    with store.begin() as conn:
        complete_task(conn, workspace, task, outcome="done", at=NOW, now=NOW)
    assert _version(store) != opened, "a task completed in place is a change"


def _key(workspace_id: int, key: str = "k" * 64) -> CacheKey:
    return CacheKey(workspace_id, key, "funnel", '{"from":null}')


def _read(store: Engine, key: CacheKey) -> CacheEntry | None:
    with store.connect() as conn:
        return read_entry(conn, key)


def test_an_entry_is_stored_replaced_and_kept_apart_per_key(
    store: Engine, workspace_id: int
) -> None:
    first, second = _key(workspace_id), _key(workspace_id, "b" * 64)
    assert _read(store, first) is None
    with store.begin() as conn:
        store_entry(conn, first, CacheEntry("v1", NOW, '{"rows":[1]}'))
        store_entry(conn, first, CacheEntry("v2", NOW + timedelta(minutes=1), '{"rows":[2]}'))
    assert _read(store, first) == CacheEntry("v2", NOW + timedelta(minutes=1), '{"rows":[2]}')
    assert _read(store, second) is None


def test_a_refresh_is_claimed_once_until_stored_released_or_timed_out(
    store: Engine, workspace_id: int
) -> None:
    key = _key(workspace_id)
    with store.begin() as conn:
        assert not claim_refresh(conn, key, NOW, TIMEOUT), "nothing stored, nothing to claim"
        store_entry(conn, key, CacheEntry("v1", NOW, "[]"))
        assert claim_refresh(conn, key, NOW, TIMEOUT)
        assert not claim_refresh(conn, key, NOW + timedelta(minutes=29), TIMEOUT)
        assert claim_refresh(conn, key, NOW + timedelta(minutes=31), TIMEOUT), "taken over"
        release_claim(conn, key)
        assert claim_refresh(conn, key, NOW, TIMEOUT)
        store_entry(conn, key, CacheEntry("v2", NOW, "[]"))
        assert claim_refresh(conn, key, NOW, TIMEOUT), "storing the result releases the claim"


def test_a_result_younger_than_the_minimum_interval_is_not_claimed_again(
    store: Engine, workspace_id: int
) -> None:
    key, interval = _key(workspace_id), timedelta(seconds=60)
    with store.begin() as conn:
        store_entry(conn, key, CacheEntry("v1", NOW, "[]"))
        assert not claim_refresh(
            conn, key, NOW + timedelta(seconds=59), TIMEOUT, min_interval=interval
        )
        assert claim_refresh(conn, key, NOW + timedelta(seconds=60), TIMEOUT, min_interval=interval)


def test_results_not_read_for_a_while_are_removed_unless_being_recomputed(
    store: Engine, workspace_id: int
) -> None:
    old, claimed, recent = (_key(workspace_id, letter * 64) for letter in "ocr")
    week_ago = NOW - timedelta(days=7)
    with store.begin() as conn:
        store_entry(conn, old, CacheEntry("v1", week_ago - timedelta(seconds=1), "[]"))
        store_entry(conn, claimed, CacheEntry("v1", week_ago - timedelta(days=1), "[]"))
        store_entry(conn, recent, CacheEntry("v1", week_ago, "[]"))
        assert claim_refresh(conn, claimed, NOW, TIMEOUT)
        assert remove_unread(conn, week_ago) == 1
    assert _read(store, old) is None
    assert _read(store, claimed) is not None and _read(store, recent) is not None


def test_a_first_computation_is_claimed_once_as_a_pending_row_until_stored_or_timed_out(
    store: Engine, workspace_id: int
) -> None:
    key = _key(workspace_id)
    with store.begin() as conn:
        assert claim_first(conn, key, NOW, TIMEOUT)
        assert not claim_first(conn, key, NOW + timedelta(minutes=29), TIMEOUT), "held"
        assert claim_first(conn, key, NOW + timedelta(minutes=31), TIMEOUT), "taken over"
    pending = _read(store, key)
    assert pending is not None and pending.pending and pending.failure is None
    with store.begin() as conn:
        store_entry(conn, key, CacheEntry("v1", NOW, '{"rows":[1]}'))
        assert not claim_first(conn, key, NOW + timedelta(hours=1), TIMEOUT), "a result exists"
    stored = _read(store, key)
    assert stored is not None and not stored.pending


def test_a_pending_row_dropped_is_claimed_again_and_a_stored_result_is_never_dropped(
    store: Engine, workspace_id: int
) -> None:
    key = _key(workspace_id)
    with store.begin() as conn:
        assert claim_first(conn, key, NOW, TIMEOUT)
        drop_pending(conn, key)
        assert read_entry(conn, key) is None
        assert claim_first(conn, key, NOW, TIMEOUT), "dropped, so free"
        store_entry(conn, key, CacheEntry("v1", NOW, "[]"))
        drop_pending(conn, key)
    assert _read(store, key) == CacheEntry("v1", NOW, "[]")


def test_the_latest_result_among_keys_skips_pending_and_failed_rows_and_other_workspaces(
    store: Engine, workspace_id: int
) -> None:
    older, newer, failed, pending = (_key(workspace_id, letter * 64) for letter in "onfp")
    with store.begin() as conn:
        assert latest_result(conn, workspace_id, [older, newer]) is None
        store_entry(conn, older, CacheEntry("v1", NOW - timedelta(days=2), '{"day":1}'))
        store_entry(conn, newer, CacheEntry("v2", NOW - timedelta(days=1), '{"day":2}'))
        store_entry(conn, failed, CacheEntry("v3", NOW, FAILED + "RuntimeError: broken"))
        assert claim_first(conn, pending, NOW + timedelta(hours=1), TIMEOUT)
        every = [older, newer, failed, pending]
        assert latest_result(conn, workspace_id, every) == CacheEntry(
            "v2", NOW - timedelta(days=1), '{"day":2}'
        )
        assert latest_result(conn, workspace_id, [older]) is not None
        assert latest_result(conn, workspace_id + 1, every) is None
    broken = _read(store, failed)
    assert broken is not None and broken.failure == "RuntimeError: broken"
