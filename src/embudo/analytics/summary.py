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
    """Live contacts by the channel of their first touch, most first."""
    rows = conn.execute(
        select(func.coalesce(channels.c.key, "direct"), func.count())
        .select_from(contacts)
        .outerjoin(channels, channels.c.id == contacts.c.channel_id)
        .where(contacts.c.workspace_id == workspace_id, contacts.c.merged_into_id.is_(None))
        .group_by(func.coalesce(channels.c.key, "direct"))
        .order_by(func.count().desc())
    )
    return dict(rows.all())
