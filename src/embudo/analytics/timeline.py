"""A contact's timeline: what it did, newest first, with the channel of each touch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.store.tables import channels, events


def timeline(conn: Connection, contact_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The contact's `limit` most recent events."""
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
        .order_by(events.c.occurred_at.desc(), events.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
