"""Ingestion: messages in, one transaction per batch, a summary out.

Duplicates (a `messageId` already stored, or repeated in the batch) are
skipped, which makes a replay a no-op. Rejected messages go to the dead-letter
table in the same transaction as the batch they came with.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlalchemy import Connection, Engine, insert, select

from embudo.domain.messages import Message
from embudo.engine.funnel import apply_batch
from embudo.engine.intake import Incoming, Rejection
from embudo.engine.opened_workspaces import Opened, OpenedWorkspaces
from embudo.engine.touches import Touches
from embudo.store.sets import among
from embudo.store.tables import dead_letters, events
from embudo.store.workspaces import Workspace, open_workspace

BATCH_SIZE = 1000


@dataclass(slots=True)
class IngestSummary:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def seen(self) -> int:
        return self.accepted + self.duplicates + self.rejected


def ingest(
    engine: Engine,
    workspace_name: str,
    incoming: Iterable[Incoming],
    *,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    opened: OpenedWorkspaces | None = None,
) -> IngestSummary:
    """Apply every message of `incoming`, a batch at a time; report what happened.

    A long-lived caller (the HTTP API) passes `opened`, its process's workspaces
    kept open while their definition is in force.
    """
    summary = IngestSummary()
    with engine.connect() as conn:
        found = opened.open(conn, workspace_name) if opened else _opened(conn, workspace_name)
        workspace = found.workspace
        touches = Touches(conn, workspace.id, workspace.spec, found.known)
    with older_objects_set_aside():
        for chunk in _chunks(incoming, batch_size):
            with engine.begin() as conn:
                apply_chunk(conn, workspace, touches, chunk, now, summary)
            if opened is not None:
                opened.learned(workspace, touches.known())
            if progress is not None:
                progress(len(chunk))
    return summary


def _opened(conn: Connection, workspace_name: str) -> Opened:
    return Opened(open_workspace(conn, workspace_name))


@contextmanager
def older_objects_set_aside() -> Iterator[None]:
    """Spare the garbage collector the objects that were alive before ingestion began.

    Every batch makes tens of thousands of objects, which sets off full
    collections, and each full collection walks every object of the process
    — modules, table metadata, the funnel definition — none of which a batch
    can make garbage. `gc.freeze` leaves those out of collections until
    `gc.unfreeze` puts them back, so this changes what is collected when, never
    what ingestion does: a cycle that was already garbage is collected after.
    When someone else froze objects first (a server before it forks, say),
    their choice is left alone.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _chunks(items: Iterable[Incoming], size: int) -> Iterator[list[Incoming]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def apply_chunk(
    conn: Connection,
    workspace: Workspace,
    touches: Touches,
    chunk: Sequence[Incoming],
    now: datetime,
    summary: IngestSummary,
) -> None:
    """Apply one chunk in `conn`'s transaction, counting what happened into `summary`."""
    rejected = [item for item in chunk if isinstance(item, Rejection)]
    messages = [item for item in chunk if isinstance(item, Message)]
    fresh = _new_messages(conn, workspace.id, messages)
    store_rejections(conn, workspace.id, rejected, now)
    apply_batch(conn, workspace, touches, fresh, now)
    summary.accepted += len(fresh)
    summary.duplicates += len(messages) - len(fresh)
    summary.rejected += len(rejected)


def _new_messages(conn: Connection, workspace_id: int, messages: list[Message]) -> list[Message]:
    """The messages whose id is neither stored nor earlier in the batch."""
    ids = {message.message_id for message in messages}
    stored = set(
        conn.scalars(
            select(events.c.message_id).where(
                events.c.workspace_id == workspace_id, among(conn, events.c.message_id, ids)
            )
        )
    )
    fresh: dict[str, Message] = {}
    for message in messages:
        if message.message_id not in stored and message.message_id not in fresh:
            fresh[message.message_id] = message
    return list(fresh.values())


def store_rejections(
    conn: Connection, workspace_id: int, rejected: list[Rejection], now: datetime
) -> None:
    rows = [
        {
            "workspace_id": workspace_id,
            "message_id": item.message_id,
            "source": item.source,
            "payload": item.payload,
            "reason": item.reason,
            "received_at": now,
        }
        for item in rejected
    ]
    if rows:
        conn.execute(insert(dead_letters), rows)
