"""`embudo user add --password` and `embudo user password` on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from command_line import embudo
from sqlalchemy import select

from embudo.engine.users import authenticate
from embudo.store.session import connect
from embudo.store.tables import users
from embudo.store.workspaces import open_workspace

PASSWORD = "correct horse battery"


@pytest.fixture
def workspace(tmp_path: Path, store_url: str) -> Path:
    done = embudo(tmp_path, "init", "--template", "b2b-saas", "--db", store_url)
    assert done.returncode == 0, done.stderr
    return tmp_path


def signs_in(store_url: str, email: str, password: str) -> bool:
    engine = connect(store_url)
    try:
        with engine.begin() as conn:
            found = open_workspace(conn, "default")
            return authenticate(conn, found.id, email, password) is not None
    finally:
        engine.dispose()


def emails(store_url: str) -> list[str]:
    engine = connect(store_url)
    try:
        with engine.connect() as conn:
            return [str(email) for email in conn.scalars(select(users.c.email))]
    finally:
        engine.dispose()


def test_add_asks_the_password_twice_hidden_and_the_user_signs_in(
    workspace: Path, store_url: str
) -> None:
    command = ["user", "add", "Ana@Example.com", "--name", "Ana", "--team", "marketing"]
    done = embudo(
        workspace,
        *command,
        "--role",
        "admin",
        "--password",
        "--db",
        store_url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert done.returncode == 0, done.stderr
    assert "ana@example.com (marketing, admin); can sign in" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert signs_in(store_url, "ana@example.com", PASSWORD)


def test_two_different_answers_add_nobody(workspace: Path, store_url: str) -> None:
    done = embudo(
        workspace,
        "user",
        "add",
        "ana@example.com",
        "--password",
        "--db",
        store_url,
        stdin=f"{PASSWORD}\nsomething else\n",
    )
    assert done.returncode == 130 and "do not match" in done.stderr
    assert emails(store_url) == []


def test_a_script_sets_the_password_from_embudo_password(workspace: Path, store_url: str) -> None:
    secret = {"EMBUDO_PASSWORD": PASSWORD}
    added = embudo(
        workspace, "user", "add", "rep@example.com", "--password", "--db", store_url, env=secret
    )
    assert added.returncode == 0, added.stderr
    reset = embudo(
        workspace,
        "user",
        "password",
        "rep@example.com",
        "--db",
        store_url,
        env={"EMBUDO_PASSWORD": "a new passphrase"},
    )
    assert reset.returncode == 0 and "password set for rep@example.com" in reset.stdout
    assert not signs_in(store_url, "rep@example.com", PASSWORD)
    assert signs_in(store_url, "rep@example.com", "a new passphrase")


def test_without_password_the_user_owns_deals_but_cannot_sign_in(
    workspace: Path, store_url: str
) -> None:
    done = embudo(workspace, "user", "add", "rep@example.com", "--db", store_url)
    assert done.returncode == 0 and "can sign in" not in done.stdout
    listed = embudo(workspace, "user", "list", "--format", "json", "--db", store_url)
    assert '"signs_in": false' in listed.stdout
    asked = embudo(
        workspace,
        "user",
        "password",
        "rep@example.com",
        "--db",
        store_url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert asked.returncode == 0, asked.stderr
    assert signs_in(store_url, "rep@example.com", PASSWORD)


def test_a_short_password_or_an_unknown_user_is_one_clear_error(
    workspace: Path, store_url: str
) -> None:
    short = embudo(
        workspace,
        "user",
        "add",
        "rep@example.com",
        "--password",
        "--db",
        store_url,
        env={"EMBUDO_PASSWORD": "short"},
    )
    assert short.returncode == 1
    assert short.stderr.strip() == ("error: the password is too short: use at least 8 characters")
    assert emails(store_url) == []
    unknown = embudo(
        workspace, "user", "password", "x@y.z", "--db", store_url, env={"EMBUDO_PASSWORD": PASSWORD}
    )
    assert unknown.returncode != 0
    assert "no active user 'x@y.z' — add one with: embudo user add x@y.z --password" in (
        unknown.stderr
    )


def test_a_short_secret_key_is_refused_with_how_to_make_one(
    workspace: Path, store_url: str
) -> None:
    done = embudo(workspace, "user", "list", "--db", store_url, env={"EMBUDO_SECRET_KEY": "abc"})
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: EMBUDO_SECRET_KEY is too short: use at least 32 characters — make one with:"
    )


def test_a_negative_report_wait_is_refused_with_what_to_give(
    workspace: Path, store_url: str
) -> None:
    done = embudo(workspace, "user", "list", "--db", store_url, env={"EMBUDO_REPORT_WAIT": "-1"})
    assert done.returncode == 1
    assert done.stderr.startswith("error: EMBUDO_REPORT_WAIT: Input should be greater than")
    assert "the seconds a dashboard request may wait" in done.stderr


def roles_and_activity(store_url: str) -> dict[str, tuple[str, bool]]:
    engine = connect(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(users.c.email, users.c.role, users.c.active))
            return {str(row.email): (str(row.role), bool(row.active)) for row in rows}
    finally:
        engine.dispose()


def test_a_deactivated_user_cannot_sign_in_until_activated_again(
    workspace: Path, store_url: str
) -> None:
    secret = {"EMBUDO_PASSWORD": PASSWORD}
    embudo(workspace, "user", "add", "rep@example.com", "--password", "--db", store_url, env=secret)
    off = embudo(workspace, "user", "deactivate", "Rep@Example.com", "--db", store_url)
    assert off.returncode == 0 and "user rep@example.com deactivated" in off.stdout
    assert roles_and_activity(store_url) == {"rep@example.com": ("member", False)}
    assert not signs_in(store_url, "rep@example.com", PASSWORD)
    on = embudo(workspace, "user", "activate", "rep@example.com", "--db", store_url)
    assert on.returncode == 0 and "user rep@example.com activated" in on.stdout
    assert signs_in(store_url, "rep@example.com", PASSWORD)


def test_role_makes_a_member_an_admin_and_back(workspace: Path, store_url: str) -> None:
    embudo(workspace, "user", "add", "rep@example.com", "--db", store_url)
    up = embudo(workspace, "user", "role", "rep@example.com", "--role", "admin", "--db", store_url)
    assert up.returncode == 0 and "user rep@example.com is now admin" in up.stdout
    assert roles_and_activity(store_url) == {"rep@example.com": ("admin", True)}
    down = embudo(
        workspace, "user", "role", "rep@example.com", "--role", "member", "--db", store_url
    )
    assert down.returncode == 0, down.stderr
    assert roles_and_activity(store_url) == {"rep@example.com": ("member", True)}


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ("deactivate", "x@y.z"),
            "error: no user 'x@y.z' in this workspace — list them with: embudo user list",
        ),
        (
            ("activate", "x@y.z"),
            "error: no user 'x@y.z' in this workspace — list them with: embudo user list",
        ),
        (
            ("role", "x@y.z", "--role", "admin"),
            "error: no user 'x@y.z' in this workspace — list them with: embudo user list",
        ),
        (
            ("role", "rep@example.com", "--role", "boss"),
            "error: user 'rep@example.com': role 'boss' is not one of member, admin",
        ),
    ],
)
def test_an_unknown_email_or_role_is_one_error_line_and_changes_nothing(
    workspace: Path, store_url: str, command: tuple[str, ...], message: str
) -> None:
    embudo(workspace, "user", "add", "rep@example.com", "--db", store_url)
    done = embudo(workspace, "user", *command, "--db", store_url)
    assert (done.returncode, done.stderr.strip()) == (1, message)
    assert roles_and_activity(store_url) == {"rep@example.com": ("member", True)}
