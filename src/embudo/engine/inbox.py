"""Group commit for HTTP intake: batches are stored, then applied many at a time.

Applying a batch costs a transaction of some twenty statements whatever its
size, and on SQLite one writer at a time holds the database, so 100-message
requests applied one by one spend most of their time on what a larger
transaction pays once (the engine alone applied 1,517 messages/s in
transactions of 100 and 2,598/s in transactions of 2,000, one after the
other on the same loaded machine: docs/benchmarks.md). Instead a
request stores its batch in the inbox (`store`, durable once committed) and,
in the same transaction, tries to take the workspace's lease. The holder
applies what is queued, oldest first, up to `ROUND_MESSAGES` messages per
transaction, each transaction also deleting what it applied — so nothing is
applied twice, and a crash mid-apply rolls back with the batches still
queued. Requests that find the lease taken are answered as soon as their
batch is stored, as Segment answers once a batch is accepted.

A request that takes the lease applies until its own batch is applied, so a
client sending one request at a time reads its data once answered. If others
queued batches meanwhile it hands the lease to its process's background
thread (`keep_applying`), which goes on while batches keep coming, pausing
`LINGER_SECONDS` after a small round so the next one is larger, and lets go
once nothing is queued. A holder that dies stops renewing its lease (`LEASE`,
renewed by every round); once expired, the next request or a background
sweep (`drain`) takes it over. Messages are validated when applied (an
invalid one becomes a dead letter, as before), each timed as of its batch's
arrival; applying a message again is a no-op by `messageId`. What a round
only reads (the lease's workspace, the queued batches) is read `for_reading`,
before its write transaction, so that transaction holds SQLite's write lock
for the engine's work alone.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from embudo.engine.ingest import (
    IngestSummary,
    apply_chunk,
    older_objects_set_aside,
    store_rejections,
)
from embudo.engine.intake import Incoming, Rejection, message_id_of, read_stored, received
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.engine.touches import Touches
from embudo.store.inbox import (
    Queued,
    any_queued,
    put,
    queued,
    release_lease,
    remove,
    renew_lease,
    take_lease,
    unattended,
)
from embudo.store.session import for_reading
from embudo.store.workspaces import workspace_name_of

_log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
REASON_LENGTH = 2000
ROUND_MESSAGES = 4000
"""Messages applied per transaction at most. Over HTTP, 4,000 beat 2,000 and 8,000 in
runs side by side (docs/benchmarks.md); applied alone, the engine's CPU a message still
fell a little from 2,000 to 4,000."""
LINGER_SECONDS = 0.05
"""A pause after a small round: the writers it held up (polling for the lock) store theirs."""


@dataclass(frozen=True, slots=True)
class Stored:
    """A batch just stored: its place in the queue, and the lease when this request got it."""

    batch_id: int
    applier: Applier | None


class LeaseLost(Exception):
    """The lease expired and someone else took it over: they apply what is queued now."""


@dataclass(frozen=True, slots=True)
class Applier:
    """The holder of a workspace's lease, applying its inbox."""

    engine: Engine
    opened: OpenedWorkspaces
    workspace_id: int
    workspace: str
    holder: str

    def apply_round(self, now: datetime, budget: int = ROUND_MESSAGES) -> Round | None:
        """Apply the oldest queued batches in one transaction (None when nothing is queued).

        Reading the batches makes as many objects as applying them, so both are
        done with the older objects set aside from garbage collection."""
        with older_objects_set_aside():
            return self._apply_round(now, budget)

    def _apply_round(self, now: datetime, budget: int) -> Round | None:
        with for_reading(self.engine).connect() as conn:
            found = self.opened.open(conn, self.workspace)
            batches = queued(conn, self.workspace_id, budget)
            touches = Touches(conn, self.workspace_id, found.workspace.spec, found.known)
        if not batches:
            return None
        items = [item for batch in batches for item in _incoming(batch)]
        with self.engine.begin() as conn:
            if not renew_lease(conn, self.workspace_id, self.holder, now + LEASE):
                raise LeaseLost(self.holder)
            apply_chunk(conn, found.workspace, touches, items, now, IngestSummary())
            remove(conn, [batch.id for batch in batches])
        self.opened.learned(found.workspace, touches.known())
        return Round(batches[-1].id, len(items))

    def next_round(self, now: datetime) -> Round | None:
        """`apply_round`; when it fails for a reason other than a race, the oldest batch alone,
        and when that fails too, its messages set aside as dead letters with the error — a
        batch the engine cannot apply must not hold up every batch behind it."""
        try:
            return self.apply_round(now)
        except (LeaseLost, IntegrityError, OperationalError):
            raise
        except Exception:
            _log.exception("applying queued batches failed; trying the oldest alone")
        try:
            return self.apply_round(now, budget=1)
        except (LeaseLost, IntegrityError, OperationalError):
            raise
        except Exception as error:
            _log.exception("the oldest queued batch cannot be applied; it becomes dead letters")
            return self._set_aside_oldest(now, error)

    def _set_aside_oldest(self, now: datetime, error: Exception) -> Round | None:
        with self.engine.begin() as conn:
            batches = queued(conn, self.workspace_id, 1)
            if not batches:
                return None
            if not renew_lease(conn, self.workspace_id, self.holder, now + LEASE):
                raise LeaseLost(self.holder)
            reason = f"could not be applied: {type(error).__name__}: {error}"[:REASON_LENGTH]
            store_rejections(conn, self.workspace_id, _set_aside(batches[0], reason), now)
            remove(conn, [batches[0].id])
        return Round(batches[0].id, len(batches[0].documents))

    def apply_through(self, batch_id: int, now: datetime) -> None:
        """Apply rounds until batch `batch_id` is applied (or another holder applies it)."""
        try:
            while (done := self.next_round(now)) is not None and done.last_batch_id < batch_id:
                pass
        except LeaseLost:
            return

    def keep_applying(self, clock: Callable[[], datetime], linger: float = LINGER_SECONDS) -> None:
        """Apply rounds while batches keep coming, then let go.

        After a round smaller than `ROUND_MESSAGES` it waits `linger` seconds
        first, so the requests it held up (on SQLite they wait for the write
        lock to store) get in and the next round is larger.
        """
        try:
            while True:
                done = self.next_round(clock())
                if done is None and self.release_if_idle():
                    return
                if done is None or done.messages < ROUND_MESSAGES:
                    time.sleep(linger)
        except LeaseLost:
            return

    def release_if_idle(self) -> bool:
        """Let go of the lease unless batches are queued (then the holder must go on).

        The lease row is deleted before looking: a request storing a batch
        while it is held keeps that row locked until it commits (`take_lease`),
        so the look sees its batch — none is left queued with no one applying.
        """
        with self.engine.connect() as conn, conn.begin() as transaction:
            release_lease(conn, self.workspace_id, self.holder)
            if any_queued(conn, self.workspace_id):
                transaction.rollback()
                return False
            return True

    def release(self) -> None:
        with self.engine.begin() as conn:
            release_lease(conn, self.workspace_id, self.holder)


@dataclass(frozen=True, slots=True)
class Round:
    """What one transaction applied: up to which batch, how many messages."""

    last_batch_id: int
    messages: int


def store(
    engine: Engine,
    opened: OpenedWorkspaces,
    workspace_id: int,
    workspace: str,
    source: str,
    documents: Sequence[Any],
    now: datetime,
) -> Stored:
    """Store a batch received at `now` and, in the same transaction, try to take the lease."""
    holder = uuid.uuid4().hex
    with engine.begin() as conn:
        batch_id = put(conn, workspace_id, source, documents, now)
        taken = take_lease(conn, workspace_id, holder, now, now + LEASE)
    applier = Applier(engine, opened, workspace_id, workspace, holder) if taken else None
    return Stored(batch_id, applier)


def drain(
    engine: Engine,
    opened: OpenedWorkspaces,
    clock: Callable[[], datetime],
    queued_before: datetime | None = None,
) -> int:
    """Apply every workspace's batches that no one is applying (only those queued before
    `queued_before`, if given); how many workspaces were drained."""
    now = clock()
    with for_reading(engine).connect() as conn:
        waiting = unattended(conn, now, queued_before or now)
        names = {workspace_id: workspace_name_of(conn, workspace_id) for workspace_id in waiting}
    drained = 0
    for workspace_id, name in names.items():
        applier = _lease(engine, opened, workspace_id, name, clock())
        if applier is None:
            continue
        try:
            applier.keep_applying(clock)
        except BaseException:
            applier.release()
            raise
        drained += 1
    return drained


def _lease(
    engine: Engine, opened: OpenedWorkspaces, workspace_id: int, name: str | None, now: datetime
) -> Applier | None:
    holder = uuid.uuid4().hex
    with engine.begin() as conn:
        if name is None or not take_lease(conn, workspace_id, holder, now, now + LEASE):
            return None
    return Applier(engine, opened, workspace_id, name, holder)


def _set_aside(batch: Queued, reason: str) -> list[Rejection]:
    """Every message of a batch that cannot be applied, as a dead letter saying why."""
    return [
        Rejection(
            f"{batch.source}[{index}]",
            # Escaped: the text that made the batch fail may be what cannot be stored.
            json.dumps(document, default=str),
            reason,
            message_id_of(document),
        )
        for index, document in enumerate(batch.documents)
    ]


def _incoming(batch: Queued) -> list[Incoming]:
    """A stored batch's messages as the engine reads them, timed as of its arrival."""
    documents = zip(batch.documents, batch.stored_texts, strict=True)
    items = [
        read_stored(f"{batch.source}[{index}]", document, text)
        for index, (document, text) in enumerate(documents)
    ]
    return received(items, batch.received_at)
