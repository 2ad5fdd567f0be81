"""The users in Settings without a browser, on SQLite and PostgreSQL: listed for admins only,
activated, deactivated and given a role through the engine, never leaving no admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from web_support import (
    ADMIN,
    MEMBER,
    ORIGIN,
    SETTINGS,
    add_person,
    demo_workspace,
    sign_in,
    signed_in_client,
)

from embudo.server import create_server
from embudo.store.tables import users

HTMX = {"HX-Request": "true"}
NOT_YOURSELF = "You cannot deactivate yourself: ask another admin to do it."
LAST_ADMIN = "This is the only active admin: make another user an admin first."


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    """The admin's client, with a member who signs in too."""
    demo_workspace(store, 30)
    add_person(store, MEMBER, role="member")
    with signed_in_client(store) as opened:
        yield opened


@pytest.fixture
def member(store: Engine, client: TestClient) -> Iterator[TestClient]:
    """The member's own client, signed in through the form."""
    with TestClient(create_server(SETTINGS, store), headers=ORIGIN) as opened:
        sign_in(opened, MEMBER)
        yield opened


def people(store: Engine) -> dict[str, tuple[int, str, bool]]:
    with store.connect() as conn:
        rows = conn.execute(select(users.c.email, users.c.id, users.c.role, users.c.active))
        return {row.email: (row.id, row.role, row.active) for row in rows}


def user_id(store: Engine, email: str) -> int:
    return people(store)[email][0]


def test_an_admin_sees_every_user_with_role_activity_and_sign_in(
    client: TestClient, store: Engine
) -> None:
    page = client.get("/settings").text
    assert 'id="users"' in page
    for email in people(store):
        assert f'data-user="{email}"' in page
    assert f"Deactivate {MEMBER}" in page and "Change role" in page


def test_a_member_neither_sees_the_users_nor_changes_them_with_a_forged_post(
    member: TestClient, store: Engine
) -> None:
    assert 'id="users"' not in member.get("/settings").text
    target = user_id(store, ADMIN)
    refused = member.post(f"/settings/users/{target}/active", data={"active": "false"})
    assert refused.status_code == 403 and "only an admin of workspace" in refused.text
    demoted = member.post(f"/settings/users/{target}/role", data={"role": "member"})
    assert demoted.status_code == 403
    assert people(store)[ADMIN][1:] == ("admin", True)


def test_a_post_from_another_site_is_refused(client: TestClient, store: Engine) -> None:
    target = user_id(store, MEMBER)
    forged = client.post(
        f"/settings/users/{target}/active",
        data={"active": "false"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    assert people(store)[MEMBER][2] is True


def test_a_deactivated_member_is_signed_out_and_activated_again(
    client: TestClient, member: TestClient, store: Engine
) -> None:
    target = user_id(store, MEMBER)
    done = client.post(f"/settings/users/{target}/active", data={"active": "false"}, headers=HTMX)
    assert done.status_code == 200 and f"Activate {MEMBER}" in done.text
    assert people(store)[MEMBER][2] is False
    assert member.get("/settings", follow_redirects=False).status_code == 303
    again = client.post(f"/settings/users/{target}/active", data={"active": "true"}, headers=HTMX)
    assert again.status_code == 200 and f"Deactivate {MEMBER}" in again.text
    assert people(store)[MEMBER][2] is True


def test_a_role_is_changed_both_ways_and_holds_from_the_next_request(
    client: TestClient, member: TestClient, store: Engine
) -> None:
    target = user_id(store, MEMBER)
    promoted = client.post(f"/settings/users/{target}/role", data={"role": "admin"})
    assert promoted.status_code == 200 and people(store)[MEMBER][1] == "admin"
    assert 'id="users"' in member.get("/settings").text, "the member is an admin now"
    client.post(f"/settings/users/{target}/role", data={"role": "member"})
    assert people(store)[MEMBER][1] == "member"
    assert 'id="users"' not in member.get("/settings").text
    unknown = client.post(f"/settings/users/{target}/role", data={"role": "owner"})
    assert unknown.status_code == 422 and "Choose one of the roles listed." in unknown.text
    assert f'id="user-{target}-role-error"' in unknown.text


def test_an_admin_cannot_deactivate_themselves_nor_leave_no_admin(
    client: TestClient, store: Engine
) -> None:
    me = user_id(store, ADMIN)
    myself = client.post(f"/settings/users/{me}/active", data={"active": "false"}, headers=HTMX)
    assert myself.status_code == 422 and NOT_YOURSELF in myself.text
    assert f'id="user-{me}-active-error"' in myself.text
    last = client.post(f"/settings/users/{me}/role", data={"role": "member"}, headers=HTMX)
    assert last.status_code == 422 and LAST_ADMIN in last.text
    assert people(store)[ADMIN][1:] == ("admin", True), "nothing changed"
    other = user_id(store, MEMBER)
    client.post(f"/settings/users/{other}/role", data={"role": "admin"})
    stepped_down = client.post(f"/settings/users/{me}/role", data={"role": "member"})
    assert stepped_down.status_code == 200, "another admin remains"
    assert people(store)[ADMIN][1] == "member"


def test_another_workspaces_user_is_not_found(client: TestClient) -> None:
    missing = client.post("/settings/users/999999/role", data={"role": "admin"})
    assert missing.status_code == 404
