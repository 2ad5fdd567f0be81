"""Group commit: batches stored, then applied by the lease holder — once, oldest first."""

from __future__ import annotations

import json
import threading
from datetime import datetime

from funnel_support import NOW, at, identify, install, track
from sqlalchemy import Engine, Table, func, select

from embudo.domain.messages import MAX_MESSAGE_BYTES
from embudo.engine.inbox import LEASE, Applier, Stored, drain, store
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.inbox import put as put_in_inbox
from embudo.store.inbox import take_lease
from embudo.store.tables import dead_letters, events, inbox
from embudo.store.workspaces import Workspace

SOURCE = "http:/v1/batch"
Document = dict[str, object]


def put(engine: Engine, ws: Workspace, documents: list[Document], now: datetime = NOW) -> Stored:
    return store(engine, OpenedWorkspaces(), ws.id, ws.name, SOURCE, documents, now)


def rows(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def free(engine: Engine, ws: Workspace) -> bool:
    """Whether no one holds the workspace's lease (taking it to find out, in a rolled-back
    transaction)."""
    with engine.connect() as conn:
        taken = take_lease(conn, ws.id, "probe", NOW, NOW + LEASE)
        conn.rollback()
    return taken


def holding(stored: Stored) -> Applier:
    assert stored.applier is not None, "this batch's request should hold the lease"
    return stored.applier


def test_the_request_that_takes_the_lease_applies_everything_queued(store: Engine) -> None:
    ws = install(store)
    first = put(store, ws, [identify("m1", at(), user="u1", email="a@x.example")])
    second = put(store, ws, [track("m2", "webinar_registered", at(1), user="u1")])
    assert second.applier is None  # the first holds the lease: the second is answered now
    assert rows(store, events) == 0
    applier = holding(first)
    applier.apply_through(first.batch_id, NOW)
    assert rows(store, events) == 2 and rows(store, inbox) == 0
    assert applier.release_if_idle()
    assert free(store, ws)


def test_a_batch_stored_twice_is_applied_once(store: Engine) -> None:
    ws = install(store)
    batch = [track("m1", "webinar_registered", at(), user="u1")]
    first = put(store, ws, batch)
    put(store, ws, batch)  # the client resent it
    holding(first).keep_applying(lambda: NOW, linger=0)
    assert rows(store, events) == 1 and rows(store, inbox) == 0


def test_a_dead_holders_batches_are_applied_once_its_lease_expires(store: Engine) -> None:
    ws = install(store)
    with store.begin() as conn:
        assert take_lease(conn, ws.id, "died", NOW, NOW + LEASE)
    put(store, ws, [track("m1", "webinar_registered", at(), user="u1")])
    opened = OpenedWorkspaces()
    assert drain(store, opened, lambda: NOW + LEASE / 2) == 0
    assert rows(store, events) == 0 and rows(store, inbox) == 1
    assert drain(store, opened, lambda: NOW + LEASE) == 1
    assert rows(store, events) == 1 and rows(store, inbox) == 0


def test_a_holder_that_lost_its_lease_applies_nothing(store: Engine) -> None:
    ws = install(store)
    slow = holding(put(store, ws, [track("m1", "webinar_registered", at(), user="u1")]))
    later = NOW + LEASE * 2
    assert drain(store, OpenedWorkspaces(), lambda: later) == 1  # took the expired lease over
    put(store, ws, [track("m2", "webinar_registered", at(1), user="u1")], now=later)
    slow.apply_through(10**9, later)  # its lease is gone: stops without applying
    assert rows(store, events) == 1 and rows(store, inbox) == 1


def test_a_message_is_timed_when_it_arrived_and_a_bad_one_is_a_dead_letter(store: Engine) -> None:
    ws = install(store)
    untimed: Document = {"type": "track", "messageId": "m1", "userId": "u1", "event": "x"}
    broken: Document = {"type": "track", "messageId": "m2", "userId": "u1"}
    stored = put(store, ws, [untimed, broken], now=NOW)
    holding(stored).apply_through(stored.batch_id, NOW + LEASE)
    with store.connect() as conn:
        occurred = conn.scalar(select(events.c.occurred_at))
        source = conn.scalar(select(dead_letters.c.source))
    assert occurred == NOW
    assert source == f"{SOURCE}[1]"


def test_a_queued_message_is_held_to_the_byte_limit_by_its_utf8_text(store: Engine) -> None:
    """Stored escaped, `é` takes six characters: a message only the escapes put over the
    limit is applied; one over it in UTF-8 becomes a dead letter saying its size."""
    ws = install(store)
    fits = track("m1", "webinar_registered", at(), user="u1")
    fits["properties"] = {"note": "é" * 15_000}  # 30 KB in UTF-8, 90 KB escaped
    over = track("m2", "webinar_registered", at(1), user="u1")
    over["properties"] = {"note": "é" * 17_000}
    stored = put(store, ws, [fits, over])
    holding(stored).apply_through(stored.batch_id, NOW)
    with store.connect() as conn:
        applied = list(conn.scalars(select(events.c.message_id)))
        reason = conn.scalar(select(dead_letters.c.reason))
    assert applied == ["m1"]
    size = len(json.dumps(over, ensure_ascii=False).encode())
    assert reason == f"message is {size} bytes, over the {MAX_MESSAGE_BYTES} byte limit"


def test_an_applier_keeps_going_until_nothing_is_queued(store: Engine) -> None:
    ws = install(store)
    first = put(store, ws, [track("m0", "webinar_registered", at(), user="u0")])
    for number in range(1, 4):
        put(store, ws, [track(f"m{number}", "webinar_registered", at(number), user="u0")])
    applier = holding(first)
    applier.keep_applying(lambda: NOW, linger=0)
    assert rows(store, events) == 4 and rows(store, inbox) == 0
    assert free(store, ws)  # it let go


def test_a_batch_the_engine_cannot_apply_becomes_dead_letters_and_the_rest_goes_on(
    store: Engine,
) -> None:
    """A lone surrogate is read as text, then cannot be encoded for the database (on either
    backend): the engine fails on it."""
    ws = install(store)
    first = put(store, ws, [track("m1", "webinar_registered", at(), user="u1")])
    unwritable = {**track("m2", "webinar_registered", at(), user="u2")}
    unwritable["properties"] = {"note": "\ud800"}
    put(store, ws, [track("m3", "webinar_registered", at(), user="u2"), unwritable])
    put(store, ws, [track("m4", "webinar_registered", at(), user="u3")])
    holding(first).keep_applying(lambda: NOW, linger=0)
    with store.connect() as conn:
        stored = set(conn.scalars(select(events.c.message_id)))
        letters = conn.execute(select(dead_letters.c.message_id, dead_letters.c.reason)).all()
    assert stored == {"m1", "m4"} and rows(store, inbox) == 0
    assert sorted(message_id for message_id, _ in letters) == ["m2", "m3"]
    assert all(reason.startswith("could not be applied: ") for _, reason in letters)


def test_a_holder_letting_go_sees_a_batch_stored_meanwhile(store: Engine) -> None:
    """The holder's look for queued batches waits for a request storing one: else that batch
    would be left queued with no one applying it."""
    ws = install(store)
    with store.begin() as conn:
        assert take_lease(conn, ws.id, "holder", NOW, NOW + LEASE)
    holder = Applier(store, OpenedWorkspaces(), ws.id, ws.name, "holder")
    kept: list[bool] = []
    with store.connect() as conn, conn.begin():
        put_in_inbox(conn, ws.id, SOURCE, [track("m1", "x", at(), user="u1")], NOW)
        assert not take_lease(conn, ws.id, "a request", NOW, NOW + LEASE)
        letting_go = threading.Thread(target=lambda: kept.append(not holder.release_if_idle()))
        letting_go.start()
        letting_go.join(timeout=1)  # it waits for this transaction (a bug would end it now)
    letting_go.join()
    assert kept == [True]
