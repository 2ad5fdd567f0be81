"""Group commit for HTTP intake: batches are stored, then applied many at a time.

Applying a batch costs a transaction with some twenty statements whatever
its size, and on SQLite one writer at a time holds the database, so
100-message requests applied one by one spend most of their time on what a
larger transaction pays once. Instead a request stores its batch in the inbox
(`put`, durable once committed) and, in the same transaction, tries to take
the workspace's lease. Whoever holds it applies what is queued, oldest first,
up to `ROUND_MESSAGES` messages per transaction, each transaction also
deleting what it applied — so nothing is applied twice, and a crash mid-apply
rolls back with the batches still queued. Requests that find the lease taken
are answered as soon as their batch is stored, as Segment answers once a
batch is accepted. A request that takes the lease applies until its own batch
is applied, so a client sending one request at a time reads its data as soon
as it is answered. Batches queued when an applier lets go, and those of one
that died (its lease expires after `LEASE`), are applied by `drain`, which
the server's background thread runs, or by the next request that takes the
lease. Messages are validated when applied (an invalid one becomes a dead
letter, as before), each timed as of its batch's arrival; applying a batch
again is a no-op by `messageId`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from embudo.engine.ingest import IngestSummary, apply_chunk, older_objects_set_aside
from embudo.engine.intake import Incoming, read_payload, received
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
from embudo.store.workspaces import workspace_name_of

LEASE = timedelta(seconds=30)
ROUND_MESSAGES = 2000
"""Messages applied per transaction at most: the engine's rate still grows up to about here."""


@dataclass(frozen=True, slots=True)
class Stored:
    """A batch just stored: its place in the queue, and the lease when this request got it."""

    batch_id: int
    applier: Applier | None


@dataclass(frozen=True, slots=True)
class Applier:
    """The holder of a workspace's lease, applying its inbox."""

    engine: Engine
    opened: OpenedWorkspaces
    workspace_id: int
    workspace: str
    holder: str

    def apply_round(self, now: datetime) -> int | None:
        """Apply the oldest queued batches in one transaction; the newest id applied, or None
        when nothing is queued or the lease was lost (someone else applies them now)."""
        with self.engine.connect() as conn:
            found = self.opened.open(conn, self.workspace)
            batches = queued(conn, self.workspace_id, ROUND_MESSAGES)
            touches = Touches(conn, self.workspace_id, found.workspace.spec, found.known)
        if not batches:
            return None
        items = [item for batch in batches for item in _incoming(batch)]
        with older_objects_set_aside(), self.engine.begin() as conn:
            if not renew_lease(conn, self.workspace_id, self.holder, now + LEASE):
                return None
            apply_chunk(conn, found.workspace, touches, items, now, IngestSummary())
            remove(conn, [batch.id for batch in batches])
        self.opened.learned(found.workspace, touches.known())
        return batches[-1].id

    def apply_through(self, batch_id: int, now: datetime) -> None:
        """Apply rounds until batch `batch_id` is applied (or nothing is left to this holder)."""
        while (applied := self.apply_round(now)) is not None and applied < batch_id:
            pass

    def apply_all(self, clock: Callable[[], datetime]) -> None:
        """Apply rounds until nothing is queued, each at the clock's time."""
        while self.apply_round(clock()) is not None:
            pass

    def release(self) -> bool:
        """Let go of the lease; whether batches are queued still (someone must apply them)."""
        with self.engine.begin() as conn:
            release_lease(conn, self.workspace_id, self.holder)
            return any_queued(conn, self.workspace_id)


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
    with engine.connect() as conn:
        waiting = unattended(conn, now, queued_before or now)
        names = {workspace_id: workspace_name_of(conn, workspace_id) for workspace_id in waiting}
    drained = 0
    for workspace_id, name in names.items():
        applier = _lease(engine, opened, workspace_id, name, clock())
        if applier is None:
            continue
        try:
            applier.apply_all(clock)
        finally:
            applier.release()
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


def _incoming(batch: Queued) -> list[Incoming]:
    """A stored batch's messages as the engine reads them, timed as of its arrival."""
    items = [
        read_payload(f"{batch.source}[{index}]", document)
        for index, document in enumerate(batch.documents)
    ]
    return received(items, batch.received_at)
