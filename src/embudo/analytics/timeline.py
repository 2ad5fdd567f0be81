"""A contact's timeline: what it did, newest first, with the channel of each touch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import channels, events

NEWEST = Ordering(events.c.occurred_at, events.c.id, descending=True)
"""Newest first; events of the same moment by id, last stored first."""


def timeline(
    conn: Connection,
    contact_id: int,
    limit: int = 100,
    offset: int = 0,
    after: Mark | None = None,
) -> list[dict[str, Any]]:
    """The contact's most recent events: `limit` of them, past `offset` or `after` (a
    cursor's place, raw as it came)."""
    query = (
        select(
            events.c.id,
            events.c.message_id,
            events.c.type,
            events.c.name,
            events.c.occurred_at,
            events.c.properties,
            channels.c.key.label("channel"),
        )
        .outerjoin(channels, channels.c.id == events.c.channel_id)
        .where(events.c.contact_id == contact_id)
        .order_by(*NEWEST.order_by())
        .limit(limit)
        .offset(offset)
    )
    if after is not None:
        query = query.where(NEWEST.after(NEWEST.resume(after)))
    return [dict(row._mapping) for row in conn.execute(query)]
