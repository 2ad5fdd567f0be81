"""Building blocks for dashboard tests: a demo workspace made by the real engine, a live server,
people who sign in, and a client signed in through the real form.

A plain module (not fixtures) so a later page's test can build what it needs
the same way; `conftest.py` turns these into session fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from api_support import live_server
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlalchemy import Engine

from embudo.config import Settings
from embudo.demo.run import DemoPlan, run_demo
from embudo.engine.users import add_user
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.server import create_server
from embudo.store.workspaces import open_workspace

WORKSPACE = "demo"
ADMIN = "ada@team.example"
MEMBER = "mo@team.example"
PASSWORD = "correct horse battery"
ORIGIN = {"Origin": "http://testserver"}
"""What a browser sends with a form posted from the dashboard's own pages (`TestClient`'s host)."""
SETTINGS = Settings(workspace=WORKSPACE, report_wait=600)
"""The dashboard's settings in tests: a page waits for its figures, however loaded the machine
(the placeholders shown past the wait have tests of their own, with no wait)."""


def demo_workspace(
    engine: Engine, contacts: int, *, template: str = "b2b-saas", now: datetime | None = None
) -> datetime:
    """A year of `template`'s business (as `embudo demo` plays it) ending `now`; returns `now`."""
    moment = now or datetime.now(UTC)
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with engine.begin() as conn:
        apply_spec(conn, WORKSPACE, loaded.document, loaded.source, now=moment)
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    plan = DemoPlan(contacts, seed=5, start=start.replace(year=start.year - 1), months=12)
    run_demo(engine, WORKSPACE, loaded.spec, plan, now=moment)
    return moment


@dataclass(frozen=True, slots=True)
class Site:
    """A dashboard served on a store of its own: its URL, and the engine to check what changed."""

    url: str
    engine: Engine


def add_workspace(engine: Engine, name: str, template: str) -> None:
    """Another workspace in the same store, on `template`, with nothing in it yet."""
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with engine.begin() as conn:
        apply_spec(conn, name, loaded.document, loaded.source, now=datetime.now(UTC))


@contextmanager
def dashboard(engine: Engine, settings: Settings = SETTINGS) -> Iterator[str]:
    """The API and the dashboard on `engine`, served on a free loopback port; its base URL."""
    app = create_server(settings, engine)
    with live_server(app) as url:
        yield url


def add_person(
    engine: Engine,
    email: str,
    *,
    role: str = "admin",
    workspace: str = WORKSPACE,
    password: str = PASSWORD,
) -> None:
    """A marketer who signs in to `workspace` with `password`."""
    with engine.begin() as conn:
        workspace_id = open_workspace(conn, workspace).id
        add_user(
            conn,
            workspace_id,
            email,
            name=email.split("@")[0].title(),
            team="marketing",
            role=role,
            password=password,
            now=datetime.now(UTC),
        )


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, workspace: str = WORKSPACE
) -> None:
    """Post the sign-in form of `workspace` as a browser would; the client keeps the cookie."""
    form = {"email": email, "password": password, "next": "/"}
    query = {"workspace": workspace}
    response = client.post("/sign-in", params=query, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


@contextmanager
def signed_in_client(engine: Engine, role: str = "admin") -> Iterator[TestClient]:
    """A client on the dashboard of `engine`, signed in through the form as a new user of `role`."""
    email = ADMIN if role == "admin" else MEMBER
    add_person(engine, email, role=role)
    app = create_server(SETTINGS, engine)
    with TestClient(app, headers=ORIGIN) as client:
        sign_in(client, email)
        yield client


def sign_in_page(page: Page, url: str, email: str = ADMIN, password: str = PASSWORD) -> None:
    """Go to `url`, which sends the browser to the sign-in form, and sign in there."""
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda now: "/sign-in" not in now)
