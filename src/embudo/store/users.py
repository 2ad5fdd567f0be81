"""Reading the people of a workspace: sales reps and marketers who own contacts and deals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.errors import NotFound
from embudo.store.tables import users


def find_active_user(conn: Connection, workspace_id: int, email: str) -> int:
    """An active user by email (any case), or how to add one."""
    found = conn.scalar(
        select(users.c.id).where(
            users.c.workspace_id == workspace_id,
            users.c.email == email.strip().lower(),
            users.c.active.is_(True),
        )
    )
    if found is None:
        raise NotFound(
            f"no active user '{email}' — add one with: embudo user add {email} --name NAME"
        )
    return int(found)


SHOWN = (users.c.id, users.c.email, users.c.name, users.c.team, users.c.role, users.c.active)


def list_users(conn: Connection, workspace_id: int) -> list[dict[str, Any]]:
    """Every user of the workspace, by team then email."""
    query = select(*SHOWN).where(users.c.workspace_id == workspace_id)
    return [dict(row._mapping) for row in conn.execute(query.order_by(users.c.team, users.c.email))]


def show_user(conn: Connection, workspace_id: int, user_id: int) -> dict[str, Any]:
    """One user of the workspace, active or not."""
    query = select(*SHOWN).where(users.c.workspace_id == workspace_id, users.c.id == user_id)
    found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"no user {user_id} — list them with: embudo user list")
    return dict(found._mapping)
