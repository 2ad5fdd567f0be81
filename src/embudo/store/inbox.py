"""The inbox: batches stored and answered, waiting to be applied; the lease to apply them.

A lease is a row in `inbox_leases` (one per workspace at most): taken by
inserting it, so of two takers one inserts and the other does nothing; ended
by deleting it; taken over once it has expired, which is how a crashed
applier's work is picked up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, func, insert, select, update

from embudo.store.sets import among
from embudo.store.tables import inbox, inbox_leases
from embudo.store.upsert import insert_or


@dataclass(frozen=True, slots=True)
class Queued:
    """One stored batch: where it came from, its messages as received, and when."""

    id: int
    source: str
    documents: list[Any]
    received_at: datetime
    stored_texts: list[str]
    """Each message's JSON text as stored (`put` escapes every character beyond ASCII)."""


def put(
    conn: Connection, workspace_id: int, source: str, documents: Sequence[Any], at: datetime
) -> int:
    """Store a batch received at `at`; its id, its place in the queue."""
    row = {
        "workspace_id": workspace_id,
        "source": source,
        # Escaped: any text JSON can spell is stored, whatever the engine makes of it later.
        "documents": json.dumps(list(documents)),
        "size": len(documents),
        "received_at": at,
    }
    return int(conn.execute(insert(inbox).returning(inbox.c.id), row).scalar_one())


def queued(conn: Connection, workspace_id: int, budget: int) -> list[Queued]:
    """The oldest batches of the workspace, up to `budget` messages (at least one batch)."""
    total = func.sum(inbox.c.size).over(order_by=inbox.c.id)
    ranked = (  # the first `budget` batches hold `budget` messages or more (unless empty)
        select(inbox.c.id, (total - inbox.c.size).label("before"))
        .where(inbox.c.workspace_id == workspace_id)
        .order_by(inbox.c.id)
        .limit(budget)
        .subquery()
    )
    chosen = select(ranked.c.id).where(ranked.c.before < budget)
    rows = conn.execute(
        select(inbox.c.id, inbox.c.source, inbox.c.documents, inbox.c.received_at)
        .where(inbox.c.id.in_(chosen))
        .order_by(inbox.c.id)
    )
    return [_queued(row.id, row.source, row.documents, row.received_at) for row in rows]


def _queued(batch_id: int, source: str, text: str, received_at: datetime) -> Queued:
    documents, texts = stored_documents(text)
    return Queued(batch_id, source, documents, received_at, texts)


_DECODER = json.JSONDecoder()
_BLANKS = " \t\n\r"


def stored_documents(text: str) -> tuple[list[Any], list[str]]:
    """The documents of a stored JSON array, and each one's text in it.

    Decoded one element at a time (in C, as `json.loads` does) so each one's
    text is known: the engine reads a message's size from it rather than
    serialising the message again.
    """
    documents: list[Any] = []
    texts: list[str] = []
    at = _past_blanks(text, text.index("[") + 1)
    while text[at] != "]":
        document, end = _DECODER.raw_decode(text, at)
        documents.append(document)
        texts.append(text[at:end])
        at = _past_blanks(text, end)
        if text[at] == ",":
            at = _past_blanks(text, at + 1)
    return documents, texts


def _past_blanks(text: str, at: int) -> int:
    while text[at] in _BLANKS:
        at += 1
    return at


def remove(conn: Connection, ids: Sequence[int]) -> None:
    """Delete batches once applied (in the transaction that applied them)."""
    conn.execute(delete(inbox).where(among(conn, inbox.c.id, ids)))


def any_queued(conn: Connection, workspace_id: int) -> bool:
    return bool(conn.scalar(select(exists().where(inbox.c.workspace_id == workspace_id))))


def unattended(conn: Connection, now: datetime, queued_before: datetime) -> list[int]:
    """Workspaces with batches queued before `queued_before` and no lease live at `now`."""
    live = select(inbox_leases.c.workspace_id).where(inbox_leases.c.expires_at > now)
    query = (
        select(inbox.c.workspace_id)
        .where(inbox.c.workspace_id.not_in(live), inbox.c.received_at <= queued_before)
        .distinct()
    )
    return sorted(conn.scalars(query))


def take_lease(
    conn: Connection, workspace_id: int, holder: str, now: datetime, until: datetime
) -> bool:
    """Become the workspace's applier until `until`, unless someone's lease is still live."""
    expired = (inbox_leases.c.workspace_id == workspace_id) & (inbox_leases.c.expires_at <= now)
    conn.execute(delete(inbox_leases).where(expired))
    row = {"workspace_id": workspace_id, "holder": holder, "expires_at": until}
    added = conn.execute(
        insert_or(conn, inbox_leases)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["workspace_id"])
        .returning(inbox_leases.c.workspace_id)
    )
    if added.first() is not None:
        return True
    _hold_still(conn, workspace_id)
    return False


def _hold_still(conn: Connection, workspace_id: int) -> None:
    """Lock the holder's lease row until this transaction ends (PostgreSQL; SQLite has one
    writer at a time anyway): a holder letting go deletes the row and then looks for queued
    batches, so it waits for this transaction and sees the batch it stores."""
    held = select(inbox_leases.c.workspace_id).where(inbox_leases.c.workspace_id == workspace_id)
    conn.execute(held.with_for_update(read=True))


def renew_lease(conn: Connection, workspace_id: int, holder: str, until: datetime) -> bool:
    """Extend `holder`'s lease; False when it has lost it (expired and taken over)."""
    mine = (inbox_leases.c.workspace_id == workspace_id) & (inbox_leases.c.holder == holder)
    return conn.execute(update(inbox_leases).where(mine).values(expires_at=until)).rowcount == 1


def release_lease(conn: Connection, workspace_id: int, holder: str) -> None:
    mine = (inbox_leases.c.workspace_id == workspace_id) & (inbox_leases.c.holder == holder)
    conn.execute(delete(inbox_leases).where(mine))
