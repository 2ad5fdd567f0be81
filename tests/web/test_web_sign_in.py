"""Signing in to the dashboard without a browser, on SQLite and PostgreSQL.

Who may open which page, what a request without a session gets, cross-site
posts, the actor history records, and what members may not do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desk_support import Desk, deal_moves, sales_desk
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, func, select
from web_support import (
    ADMIN,
    MEMBER,
    ORIGIN,
    PASSWORD,
    SETTINGS,
    WORKSPACE,
    add_person,
    add_workspace,
    demo_workspace,
    sign_in,
)

from embudo.engine.users import set_active_by_email, set_password, set_role_by_email
from embudo.io.spec_file import template_text
from embudo.server import create_server
from embudo.store.tables import spec_versions
from embudo.store.users import find_user
from embudo.store.workspaces import open_workspace
from embudo.web.sessions import COOKIE, SALT

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/pipeline?owner=x"}


@pytest.fixture
def desk(store: Engine) -> Desk:
    desk = sales_desk(store, demo_workspace(store, 30))
    add_person(store, ADMIN)
    add_person(store, MEMBER, role="member")
    return desk


@pytest.fixture
def client(store: Engine, desk: Desk) -> Iterator[TestClient]:
    """A client of the dashboard with no session yet."""
    with TestClient(create_server(SETTINGS, store), headers=ORIGIN) as opened:
        yield opened


def versions(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(spec_versions)) or 0)


def move(client: TestClient, deal: int, **headers: str) -> int:
    form = {"stage": "demo", "pipeline": "new_business"}
    response = client.post(
        f"/pipeline/deals/{deal}/move", data=form, headers=headers, follow_redirects=False
    )
    return response.status_code


@pytest.mark.parametrize("path", ["/", "/pipeline?owner=rita", "/settings", "/reports/health"])
def test_a_page_without_a_session_goes_to_sign_in_and_comes_back(
    client: TestClient, path: str
) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
    form = client.get(response.headers["location"])
    assert form.status_code == 200 and 'name="password"' in form.text
    signed = client.post(
        response.headers["location"],
        data={"email": ADMIN, "password": PASSWORD, "next": path},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == path
    assert client.get(path).status_code == 200


def test_the_session_cookie_is_http_only_same_site_and_signed(
    client: TestClient, store: Engine
) -> None:
    form = {"email": ADMIN, "password": PASSWORD, "next": "/"}
    response = client.post("/sign-in", data=form, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/sign-in", follow_redirects=False).headers["location"] == "/"
    with store.connect() as conn:
        user = find_user(conn, open_workspace(conn, WORKSPACE).id, ADMIN)
    assert user is not None
    forged = URLSafeTimedSerializer("not the secret", salt=SALT)
    client.cookies.clear()
    client.cookies.set(COOKIE, forged.dumps({WORKSPACE: [user.id, user.stamp]}))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_said_beside_the_field_and_sets_no_session(
    client: TestClient,
) -> None:
    response = client.post("/sign-in", data={"email": ADMIN, "password": "wrong password"})
    assert response.status_code == 401 and COOKIE not in response.cookies
    assert (
        '<p class="field-error" id="sign_in-password-error">'
        "That email and password do not match a user of this workspace.</p>"
    ) in response.text
    assert 'aria-describedby="sign_in-password-error"' in response.text
    assert f'value="{ADMIN}"' in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_empty_form_asks_for_each_field_in_the_readers_language(client: TestClient) -> None:
    response = client.post("/sign-in?lang=es", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert 'id="sign_in-email-error">' in response.text
    assert 'id="sign_in-password-error">Escribe tu contraseña.</p>' in response.text


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("en", "Too many attempts; try again in 15 minutes."),
        ("es", "Demasiados intentos; vuelve a intentarlo dentro de 15 minutos."),
        ("it", "Troppi tentativi; riprova tra 15 minuti."),
    ],
)
def test_after_five_wrong_passwords_the_form_says_to_wait_even_for_the_right_one(
    client: TestClient, language: str, told: str
) -> None:
    for _ in range(5):
        wrong = client.post("/sign-in", data={"email": MEMBER, "password": "a wrong guess"})
        assert wrong.status_code == 401
    refused = client.post(
        f"/sign-in?lang={language}", data={"email": MEMBER, "password": PASSWORD, "next": "/"}
    )
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert f'id="sign_in-password-error">{told}</p>' in refused.text
    assert COOKIE not in refused.cookies
    assert client.get("/", follow_redirects=False).status_code == 303
    sign_in(client, ADMIN)


def test_signing_in_clears_the_wrong_passwords_before_it(client: TestClient) -> None:
    for _ in range(2):
        for _ in range(4):
            wrong = client.post("/sign-in", data={"email": ADMIN, "password": "a wrong guess"})
            assert wrong.status_code == 401
        sign_in(client, ADMIN)


@pytest.mark.parametrize(
    "asked", ["https://evil.example/", "//evil.example/", "/\t/evil.example", "/\\evil.example"]
)
def test_only_a_local_path_is_followed_after_sign_in(client: TestClient, asked: str) -> None:
    form = {"email": ADMIN, "password": PASSWORD, "next": asked}
    response = client.post("/sign-in", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_an_htmx_post_without_a_session_is_refused_and_changes_nothing(
    client: TestClient, store: Engine, desk: Desk
) -> None:
    deal = desk.deals[0]
    before = deal_moves(store, deal)
    response = client.post(
        f"/pipeline/deals/{deal}/move",
        data={"stage": "demo", "pipeline": "new_business"},
        headers=HTMX,
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in?next=%2Fpipeline%3Fowner%3Dx"
    assert deal_moves(store, deal) == before


def test_a_form_from_another_site_is_refused_even_signed_in(
    client: TestClient, store: Engine, desk: Desk
) -> None:
    sign_in(client, ADMIN)
    deal = desk.deals[0]
    assert move(client, deal, Origin="https://evil.example") == 403
    assert move(client, deal, Origin="", Referer="http://evil.example/pipeline") == 403
    assert len(deal_moves(store, deal)) == 1
    assert move(client, deal, Origin="", Referer="http://testserver/pipeline") == 303


def test_a_move_is_recorded_with_the_signed_in_users_email(
    client: TestClient, store: Engine, desk: Desk
) -> None:
    sign_in(client, MEMBER)
    assert move(client, desk.deals[1], **HTMX) == 200
    assert deal_moves(store, desk.deals[1])[-1] == ("discovery", "demo", "web", MEMBER)


def test_a_member_can_validate_but_not_apply_the_definition_nor_manage_keys(
    client: TestClient, store: Engine
) -> None:
    sign_in(client, MEMBER)
    page = client.get("/settings").text
    assert "Only an admin can apply a definition or manage API keys." in page
    assert "/settings/apply" not in page and 'action="/settings/keys"' not in page
    text = template_text("b2b-saas").replace("mql_per_month: 20", "mql_per_month: 30")
    assert client.post("/settings/validate", data={"yaml": text}).status_code == 200
    refused = client.post("/settings/apply", data={"yaml": text})
    assert refused.status_code == 403 and "only an admin of workspace" in refused.text
    keys = client.post("/settings/keys", data={"name": "website", "role": "admin"})
    assert keys.status_code == 403
    assert versions(store) == 1


def test_an_admin_applies_and_history_names_them(client: TestClient, store: Engine) -> None:
    sign_in(client, ADMIN)
    text = template_text("b2b-saas").replace("mql_per_month: 20", "mql_per_month: 30")
    applied = client.post("/settings/apply", data={"yaml": text})
    assert applied.status_code == 200 and f"by {ADMIN}" in applied.text
    assert versions(store) == 2


def test_sign_out_ends_the_session(client: TestClient) -> None:
    sign_in(client, ADMIN)
    page = client.get("/").text
    assert 'action="/sign-out"' in page and "Ada" in page
    out = client.post("/sign-out", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert COOKIE not in client.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_password_reset_ends_the_sessions_made_before(client: TestClient, store: Engine) -> None:
    sign_in(client, ADMIN)
    with store.begin() as conn:
        set_password(conn, open_workspace(conn, WORKSPACE).id, ADMIN, "a new passphrase")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_is_for_its_workspace_only(client: TestClient, store: Engine) -> None:
    add_workspace(store, "clinica", "clinic")
    sign_in(client, ADMIN)
    other = client.get("/", params={"workspace": "clinica"}, follow_redirects=False)
    assert other.status_code == 303
    assert other.headers["location"].startswith("/sign-in?workspace=clinica&next=")
    refused = client.post("/sign-in?workspace=clinica", data={"email": ADMIN, "password": PASSWORD})
    assert refused.status_code == 401
    assert client.get("/", params={"workspace": "nope"}).status_code == 404


def test_deactivating_a_user_ends_their_session_and_refuses_their_sign_in(
    client: TestClient, store: Engine
) -> None:
    sign_in(client, MEMBER)
    with store.begin() as conn:
        set_active_by_email(conn, open_workspace(conn, WORKSPACE).id, MEMBER, active=False)
    assert client.get("/", follow_redirects=False).status_code == 303
    refused = client.post("/sign-in", data={"email": MEMBER, "password": PASSWORD, "next": "/"})
    assert refused.status_code == 401


def test_a_new_role_holds_from_the_next_request(client: TestClient, store: Engine) -> None:
    sign_in(client, ADMIN)
    assert 'action="/settings/keys"' in client.get("/settings").text
    with store.begin() as conn:
        set_role_by_email(conn, open_workspace(conn, WORKSPACE).id, ADMIN, "member")
    assert 'action="/settings/keys"' not in client.get("/settings").text
    keys = client.post("/settings/keys", data={"name": "website", "role": "admin"})
    assert keys.status_code == 403
