"""Adding the people who own contacts and deals (sales reps, marketers)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from embudo.domain.errors import InvalidInput, NotFound
from embudo.store.tables import users

TEAM = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
"""A team is a key, as playbooks name it (`assign_owner: round_robin, team: front_desk`)."""


def add_user(
    conn: Connection,
    workspace_id: int,
    email: str,
    *,
    name: str,
    team: str = "sales",
    role: str = "member",
    now: datetime,
) -> int:
    """Add an active user; emails are kept lower-cased, one user per email and workspace."""
    address = email.strip().lower()
    if "@" not in address or len(address) > 320:
        raise InvalidInput(f"user '{email}': not an email address — write it like ana@example.com")
    if not TEAM.match(team):
        raise InvalidInput(
            f"user '{email}': team '{team}' is not a key — lower case letters, digits and _, "
            "at most 20 (e.g. sales, front_desk)"
        )
    taken = select(users.c.id).where(users.c.workspace_id == workspace_id, users.c.email == address)
    if conn.scalar(taken) is not None:
        raise InvalidInput(f"user '{address}' already exists in this workspace")
    row = insert(users).values(
        workspace_id=workspace_id,
        email=address,
        name=name,
        team=team,
        role=role,
        active=True,
        created_at=now,
    )
    return int(conn.execute(row.returning(users.c.id)).scalar_one())


def set_active(conn: Connection, workspace_id: int, user_id: int, *, active: bool) -> None:
    """Let a user be given leads and deals again, or stop it. An inactive user keeps what
    they own, but a lead of theirs entering the hand-off again is assigned anew. Again is fine."""
    changed = conn.execute(
        update(users)
        .where(users.c.workspace_id == workspace_id, users.c.id == user_id)
        .values(active=active)
    )
    if changed.rowcount == 0:
        raise NotFound(f"no user {user_id} — list them with: embudo user list")
