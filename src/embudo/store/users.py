"""Reading the people of a workspace: sales reps and marketers who own contacts and deals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from embudo.domain.errors import NotFound
from embudo.store.tables import users, workspaces


@dataclass(frozen=True, slots=True)
class User:
    """An active user as sign-in sees them: who, of which workspace, with what role."""

    id: int
    email: str
    name: str
    team: str
    role: str
    workspace: str
    password_hash: str | None

    @property
    def stamp(self) -> str:
        """A short digest of the password hash: a session made before a password change is void."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]


def _active_users() -> Select[Any]:
    return (
        select(users, workspaces.c.name.label("workspace"))
        .join(workspaces, workspaces.c.id == users.c.workspace_id)
        .where(users.c.active.is_(True))
    )


def _user(row: Any) -> User:
    return User(row.id, row.email, row.name, row.team, row.role, row.workspace, row.password_hash)


def find_user(conn: Connection, workspace_id: int, email: str) -> User | None:
    """The active user with this email (any case) in the workspace, or None."""
    query = _active_users().where(
        users.c.workspace_id == workspace_id, users.c.email == email.strip().lower()
    )
    row = conn.execute(query).first()
    return None if row is None else _user(row)


def user_id_by_email(conn: Connection, workspace_id: int, email: str) -> int | None:
    """The id of the user with this email (any case) in the workspace, active or not."""
    found = conn.scalar(
        select(users.c.id).where(
            users.c.workspace_id == workspace_id, users.c.email == email.strip().lower()
        )
    )
    return None if found is None else int(found)


def user_by_id(conn: Connection, user_id: int) -> User | None:
    """The active user with this id, or None (gone, deactivated, or never there)."""
    row = conn.execute(_active_users().where(users.c.id == user_id)).first()
    return None if row is None else _user(row)


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


SHOWN = (
    users.c.id,
    users.c.email,
    users.c.name,
    users.c.team,
    users.c.role,
    users.c.active,
    users.c.password_hash.is_not(None).label("signs_in"),
)


def list_users(conn: Connection, workspace_id: int) -> list[dict[str, Any]]:
    """Every user of the workspace, by team then email; `signs_in` when they have a password."""
    query = select(*SHOWN).where(users.c.workspace_id == workspace_id)
    return [dict(row._mapping) for row in conn.execute(query.order_by(users.c.team, users.c.email))]


def show_user(conn: Connection, workspace_id: int, user_id: int) -> dict[str, Any]:
    """One user of the workspace, active or not."""
    query = select(*SHOWN).where(users.c.workspace_id == workspace_id, users.c.id == user_id)
    found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"no user {user_id} — list them with: embudo user list")
    return dict(found._mapping)
