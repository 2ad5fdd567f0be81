"""The people who own contacts and deals and sign in: adding them, passwords, sign-in."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from embudo.domain.access import UserRole
from embudo.domain.errors import InvalidInput, NotFound
from embudo.engine.passwords import hash_password, verify
from embudo.store.tables import users
from embudo.store.users import User, find_user, user_id_by_email

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
    password: str | None = None,
    now: datetime,
) -> int:
    """Add an active user; emails are kept lower-cased, one user per email and workspace.

    Without a password the user owns contacts and deals but cannot sign in yet.
    """
    address = email.strip().lower()
    if "@" not in address or len(address) > 320:
        raise InvalidInput(f"user '{email}': not an email address — write it like ana@example.com")
    if not TEAM.match(team):
        raise InvalidInput(
            f"user '{email}': team '{team}' is not a key — lower case letters, digits and _, "
            "at most 20 (e.g. sales, front_desk)"
        )
    _check_role(email, role)
    if user_id_by_email(conn, workspace_id, address) is not None:
        raise InvalidInput(f"user '{address}' already exists in this workspace")
    row = insert(users).values(
        workspace_id=workspace_id,
        email=address,
        name=name,
        team=team,
        role=role,
        active=True,
        created_at=now,
        password_hash=None if password is None else hash_password(password),
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


def set_active_by_email(conn: Connection, workspace_id: int, email: str, *, active: bool) -> int:
    """`set_active` for the user with this email, active or not: how the CLI names people.

    A deactivated user cannot sign in, and their sessions stop working at their next request.
    """
    user_id = _any_user(conn, workspace_id, email)
    set_active(conn, workspace_id, user_id, active=active)
    return user_id


def set_role(conn: Connection, workspace_id: int, user_id: int, role: str) -> None:
    """Make a user (active or not) a member or an admin; it holds from their next request."""
    _check_role(str(user_id), role)
    changed = conn.execute(
        update(users)
        .where(users.c.workspace_id == workspace_id, users.c.id == user_id)
        .values(role=role)
    )
    if changed.rowcount == 0:
        raise NotFound(f"no user {user_id} — list them with: embudo user list")


def set_role_by_email(conn: Connection, workspace_id: int, email: str, role: str) -> int:
    """`set_role` for the user with this email, active or not: how the CLI names people."""
    _check_role(email, role)
    user_id = _any_user(conn, workspace_id, email)
    set_role(conn, workspace_id, user_id, role)
    return user_id


class LastAdmin(InvalidInput):
    """The change would leave the workspace without an active admin, so nobody could
    configure it (or give the admin role back) from the dashboard."""


def keep_an_admin(conn: Connection, workspace_id: int, user_id: int) -> None:
    """Refuse taking user `user_id` out of the workspace's active admins (making them a member,
    or deactivating them) when no other active admin would remain.

    The active admins' rows are locked, in id order, for the rest of the transaction
    (PostgreSQL; SQLite's writes are serialised already), so two admins demoting each
    other at once cannot both pass: the second sees the first's change.
    """
    admins = conn.scalars(
        select(users.c.id)
        .where(
            users.c.workspace_id == workspace_id,
            users.c.role == UserRole.ADMIN.value,
            users.c.active.is_(True),
        )
        .order_by(users.c.id)
        .with_for_update()
    ).all()
    if list(admins) == [user_id]:
        raise LastAdmin(
            "this is the workspace's only active admin — make another user an admin first"
        )


def _check_role(email: str, role: str) -> None:
    if role not in {item.value for item in UserRole}:
        roles = ", ".join(item.value for item in UserRole)
        raise InvalidInput(f"user '{email}': role '{role}' is not one of {roles}")


def _any_user(conn: Connection, workspace_id: int, email: str) -> int:
    """The id of the user with this email (any case), active or not, or how to find one."""
    found = user_id_by_email(conn, workspace_id, email)
    if found is None:
        address = email.strip().lower()
        raise NotFound(f"no user '{address}' in this workspace — list them with: embudo user list")
    return found


def set_password(conn: Connection, workspace_id: int, email: str, password: str) -> int:
    """Set or reset an active user's password; their sessions made before it end."""
    found = find_user(conn, workspace_id, email)
    if found is None:
        raise NotFound(
            f"no active user '{email}' — add one with: embudo user add {email} --password"
        )
    _store_hash(conn, found.id, hash_password(password))
    return found.id


def authenticate(conn: Connection, workspace_id: int, email: str, password: str) -> User | None:
    """The active user whose email and password these are, or None for any mistake.

    An unknown email costs the same hashing as a wrong password, so timing tells
    nothing; a hash made with weaker settings than today's is replaced.
    """
    found = find_user(conn, workspace_id, email)
    valid, updated = verify(found.password_hash if found else None, password)
    if found is None or not valid:
        return None
    if updated is None:
        return found
    _store_hash(conn, found.id, updated)
    return replace(found, password_hash=updated)


def _store_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))
