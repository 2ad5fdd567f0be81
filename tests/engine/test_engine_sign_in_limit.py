"""The sign-in attempt limit on SQLite and PostgreSQL: counted in the store by email and address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from funnel_support import install
from sqlalchemy import Engine, func, select

from embudo.domain.errors import TooManyAttempts
from embudo.domain.sign_in_limit import PER_CLIENT, PER_EMAIL, WINDOW
from embudo.engine.sign_in import sign_in
from embudo.engine.users import add_user
from embudo.store.tables import sign_in_attempts

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
PASSWORD = "correct horse battery"
ANA = "ana@example.com"


@pytest.fixture
def workspace_id(store: Engine) -> int:
    found = install(store).id
    with store.begin() as conn:
        add_user(conn, found, ANA, name="Ana", password=PASSWORD, now=NOW)
    return found


def attempt(
    store: Engine,
    workspace_id: int,
    password: str,
    *,
    at: datetime = NOW,
    email: str = ANA,
    client: str | None = "10.0.0.1",
) -> str | None:
    """The email signed in to, None for a wrong password; raises when refused."""
    with store.begin() as conn:
        user = sign_in(conn, workspace_id, email, password, client=client, now=at)
    return None if user is None else user.email


def fail(
    store: Engine,
    workspace_id: int,
    times: int,
    *,
    at: datetime = NOW,
    email: str = ANA,
    client: str | None = "10.0.0.1",
) -> None:
    for _ in range(times):
        wrong = attempt(store, workspace_id, "wrong guess", at=at, email=email, client=client)
        assert wrong is None


def stored_rows(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(sign_in_attempts)) or 0)


def test_after_the_limit_even_the_right_password_is_refused_with_the_wait(
    store: Engine, workspace_id: int
) -> None:
    fail(store, workspace_id, PER_EMAIL, at=NOW)
    with pytest.raises(TooManyAttempts) as refused:
        attempt(store, workspace_id, PASSWORD, at=NOW + timedelta(minutes=5))
    assert refused.value.minutes == 10
    assert str(refused.value) == "too many sign-in attempts; try again in 10 minutes"
    with pytest.raises(TooManyAttempts, match=r"try again in 1 minute$"):
        attempt(store, workspace_id, PASSWORD, at=NOW + WINDOW - timedelta(seconds=30))
    assert stored_rows(store) == 2 * PER_EMAIL, "a refused attempt is not counted"


def test_the_limit_lifts_once_the_failures_leave_the_window(
    store: Engine, workspace_id: int
) -> None:
    fail(store, workspace_id, PER_EMAIL, at=NOW)
    assert attempt(store, workspace_id, PASSWORD, at=NOW + WINDOW) == ANA


def test_a_success_clears_the_emails_failures(store: Engine, workspace_id: int) -> None:
    fail(store, workspace_id, PER_EMAIL - 1)
    assert attempt(store, workspace_id, PASSWORD) == ANA
    fail(store, workspace_id, PER_EMAIL - 1)
    assert attempt(store, workspace_id, PASSWORD) == ANA


def test_the_email_is_counted_from_any_address_and_in_any_case(
    store: Engine, workspace_id: int
) -> None:
    for number in range(PER_EMAIL):
        fail(store, workspace_id, 1, email="Ana@Example.COM", client=f"10.0.0.{number}")
    with pytest.raises(TooManyAttempts):
        attempt(store, workspace_id, PASSWORD, client="192.168.1.1")


def test_one_address_trying_many_emails_is_refused_after_its_own_limit(
    store: Engine, workspace_id: int
) -> None:
    for number in range(PER_CLIENT):
        fail(store, workspace_id, 1, email=f"guess{number}@example.com")
    with pytest.raises(TooManyAttempts):
        attempt(store, workspace_id, PASSWORD)
    assert attempt(store, workspace_id, PASSWORD, client="10.9.9.9") == ANA


def test_old_failures_are_deleted_when_a_new_one_is_recorded(
    store: Engine, workspace_id: int
) -> None:
    fail(store, workspace_id, 2, at=NOW)
    fail(store, workspace_id, 1, at=NOW + WINDOW + timedelta(seconds=1))
    assert stored_rows(store) == 2, "only the new failure's two subjects are left"


def test_without_a_client_address_only_the_email_counts(store: Engine, workspace_id: int) -> None:
    fail(store, workspace_id, 1, client=None)
    assert stored_rows(store) == 1
