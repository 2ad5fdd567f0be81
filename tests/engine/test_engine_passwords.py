"""Passwords on SQLite and PostgreSQL: stored hashed, checked on sign-in, reset, upgraded."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from funnel_support import install, workspace
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine, select, update

from embudo.domain.errors import InvalidInput, NotFound
from embudo.engine.users import add_user, authenticate, set_password
from embudo.store.tables import users
from embudo.store.users import find_user

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
PASSWORD = "correct horse battery"


def stored_hash(store: Engine, email: str) -> str | None:
    with store.connect() as conn:
        found = conn.scalar(select(users.c.password_hash).where(users.c.email == email))
    return None if found is None else str(found)


def sign_in(store: Engine, email: str, password: str) -> str | None:
    """The email of the user these credentials sign in to the workspace, or None."""
    with store.begin() as conn:
        user = authenticate(conn, workspace(store).id, email, password)
    return None if user is None else user.email


@pytest.fixture
def workspace_id(store: Engine) -> int:
    found = install(store).id
    with store.begin() as conn:
        add_user(conn, found, "Ana@Example.com", name="Ana", password=PASSWORD, now=NOW)
        add_user(conn, found, "rep@example.com", name="Rep", now=NOW)
    return found


def test_the_password_is_stored_as_an_argon2id_hash_only(store: Engine, workspace_id: int) -> None:
    stored = stored_hash(store, "ana@example.com")
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_the_right_password_signs_in_and_any_mistake_does_not(
    store: Engine, workspace_id: int
) -> None:
    assert sign_in(store, " ANA@example.com ", PASSWORD) == "ana@example.com"
    assert sign_in(store, "ana@example.com", PASSWORD.upper()) is None
    assert sign_in(store, "nobody@example.com", PASSWORD) is None
    assert sign_in(store, "ana@example.com", "x" * 10_000) is None


def test_a_user_without_a_password_never_signs_in(store: Engine, workspace_id: int) -> None:
    assert stored_hash(store, "rep@example.com") is None
    assert sign_in(store, "rep@example.com", "") is None
    assert sign_in(store, "rep@example.com", PASSWORD) is None


def test_a_deactivated_user_cannot_sign_in(store: Engine, workspace_id: int) -> None:
    with store.begin() as conn:
        conn.execute(update(users).where(users.c.email == "ana@example.com").values(active=False))
    assert sign_in(store, "ana@example.com", PASSWORD) is None


def test_a_reset_replaces_the_password_and_changes_the_stamp(
    store: Engine, workspace_id: int
) -> None:
    with store.connect() as conn:
        before = find_user(conn, workspace_id, "ana@example.com")
    with store.begin() as conn:
        set_password(conn, workspace_id, "ana@example.com", "a new passphrase")
    with store.connect() as conn:
        after = find_user(conn, workspace_id, "ana@example.com")
    assert before is not None and after is not None and before.stamp != after.stamp
    assert sign_in(store, "ana@example.com", PASSWORD) is None
    assert sign_in(store, "ana@example.com", "a new passphrase") == "ana@example.com"


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short: use at least 8"), ("y" * 257, "too long: use at most 256")],
)
def test_a_password_too_short_or_too_long_is_refused_and_nothing_changes(
    store: Engine, workspace_id: int, password: str, message: str
) -> None:
    before = stored_hash(store, "ana@example.com")
    with pytest.raises(InvalidInput, match=message), store.begin() as conn:
        set_password(conn, workspace_id, "ana@example.com", password)
    with pytest.raises(InvalidInput, match=message), store.begin() as conn:
        add_user(conn, workspace_id, "new@example.com", name="New", password=password, now=NOW)
    assert stored_hash(store, "ana@example.com") == before
    assert stored_hash(store, "new@example.com") is None


def test_a_password_for_an_unknown_user_says_how_to_add_one(
    store: Engine, workspace_id: int
) -> None:
    expected = re.escape("embudo user add x@y.z --password")
    with pytest.raises(NotFound, match=expected), store.begin() as conn:
        set_password(conn, workspace_id, "x@y.z", PASSWORD)


def test_an_unknown_role_is_refused(store: Engine, workspace_id: int) -> None:
    refused = pytest.raises(InvalidInput, match="role 'owner' is not one of member, admin")
    with refused, store.begin() as conn:
        add_user(conn, workspace_id, "o@example.com", name="O", role="owner", now=NOW)


def test_a_hash_weaker_than_todays_is_replaced_on_sign_in(store: Engine, workspace_id: int) -> None:
    weak = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024),)).hash(PASSWORD)
    with store.begin() as conn:
        conn.execute(
            update(users).where(users.c.email == "ana@example.com").values(password_hash=weak)
        )
    assert sign_in(store, "ana@example.com", PASSWORD) == "ana@example.com"
    upgraded = stored_hash(store, "ana@example.com")
    assert upgraded is not None and upgraded != weak
    assert sign_in(store, "ana@example.com", PASSWORD) == "ana@example.com"
