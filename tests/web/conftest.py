"""Session fixtures for the dashboard's browser tests: one demo database, one server, one browser.

Building the demo year and starting Chromium are the slow parts, so each
happens once per session; every test gets a fresh browser context (cookies,
language) of its own. `site` is shared and must not be written to; a test
that changes data (moves a deal, accepts a lead) takes `own_site`, a smaller
demo on a store and server of its own, and checks the store through its
engine. Chromium is Debian's (`make test` installs it): no Playwright
browser download. Both stores have an admin (`ADMIN`) and the demo store a
member (`MEMBER`); the browser signs in to `site` once, through the real
form, and every `page` starts with that session (`signed_in`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, StorageState, sync_playwright
from sqlalchemy import Engine
from web_support import ADMIN, MEMBER, Site, add_person, dashboard, demo_workspace, sign_in_page

from embudo.store import schema
from embudo.store.session import connect

CHROMIUM = "/usr/bin/chromium"
DEMO_CONTACTS = 1500
OWN_CONTACTS = 120


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite store holding a demo year of a B2B firm, built through the engine."""
    path: Path = tmp_path_factory.mktemp("dashboard") / "demo.db"
    engine = connect(f"sqlite:///{path}")
    schema.upgrade(engine)
    demo_workspace(engine, DEMO_CONTACTS)
    add_person(engine, ADMIN)
    add_person(engine, MEMBER, role="member")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def site(demo_engine: Engine) -> Iterator[str]:
    """The dashboard on the demo store, served by uvicorn on a free loopback port."""
    with dashboard(demo_engine) as url:
        yield url


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[Site]:
    """A small demo year on a store of this test's own, served; changes stay in this test."""
    engine = connect(f"sqlite:///{tmp_path / 'own.db'}")
    schema.upgrade(engine)
    demo_workspace(engine, OWN_CONTACTS)
    add_person(engine, ADMIN)
    try:
        with dashboard(engine) as url:
            yield Site(url, engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright, for the whole session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def signed_in(browser: Browser, site: str) -> StorageState:
    """The cookies of a browser that signed in to `site` as `ADMIN` through the form, once."""
    context = browser.new_context(locale="en-US")
    try:
        sign_in_page(context.new_page(), f"{site}/")
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, signed_in: StorageState) -> Iterator[Page]:
    """A new tab in a fresh context: an English browser signed in to `site`, downloads allowed."""
    context = browser.new_context(locale="en-US", accept_downloads=True, storage_state=signed_in)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()
