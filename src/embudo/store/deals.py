"""Finding deals by the key they have in the system they were imported from."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, select

from embudo.store.sets import among
from embudo.store.tables import deals


@dataclass(frozen=True, slots=True)
class KeyedDeal:
    """An imported deal: its id and status (open, won or lost) now."""

    id: int
    status: str


def deal_ids_by_source_key(
    conn: Connection, workspace_id: int, keys: Collection[str]
) -> dict[str, KeyedDeal]:
    """The deals among `keys` that exist in the workspace, by key, in one query."""
    if not keys:
        return {}
    query = select(deals.c.source_key, deals.c.id, deals.c.status).where(
        deals.c.workspace_id == workspace_id, among(conn, deals.c.source_key, set(keys))
    )
    return {row.source_key: KeyedDeal(int(row.id), row.status) for row in conn.execute(query)}
