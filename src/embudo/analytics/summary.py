"""The demo's summary: live contacts per lifecycle stage and per first-touch channel."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from embudo.store.tables import channels, contacts


def contacts_by_stage(conn: Connection, workspace_id: int) -> dict[str, int]:
    """Live (not merged) contacts in each lifecycle stage."""
    rows = conn.execute(
        select(contacts.c.stage, func.count())
        .where(contacts.c.workspace_id == workspace_id, contacts.c.merged_into_id.is_(None))
        .group_by(contacts.c.stage)
    )
    return dict(rows.all())


def contacts_by_channel(conn: Connection, workspace_id: int) -> dict[str, int]:
    """Live contacts by the channel of their first touch, most first (`direct` if none)."""
    rows = conn.execute(
        select(channels.c.key, func.count())
        .select_from(contacts)
        .outerjoin(channels, channels.c.id == contacts.c.channel_id)
        .where(contacts.c.workspace_id == workspace_id, contacts.c.merged_into_id.is_(None))
        .group_by(channels.c.key)
        .order_by(func.count().desc(), channels.c.key)
    )
    counts: dict[str, int] = {}
    for key, count in rows:
        counts[key or "direct"] = counts.get(key or "direct", 0) + count
    return counts
