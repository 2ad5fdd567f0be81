"""Screenshots of the dashboard on a demo workspace, for the README: `make screenshots`.

Builds a demo year in a temporary SQLite store through the real engine (as
`embudo demo` does), with a user who signs in, serves the dashboard on a
free loopback port, and has Debian's Chromium (through Playwright, headless)
sign in through the form once, then photograph the pages —
in English, Spanish and Italian, and once at a phone's width — into
`docs/screenshots/`. Deterministic data per seed; the pictures change only
when the pages do (or the calendar moves the demo's year).
"""

from __future__ import annotations

import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, StorageState, ViewportSize, sync_playwright

from embudo.config import Settings
from embudo.demo.run import DemoPlan, run_demo
from embudo.engine.users import add_user
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.server import create_server
from embudo.store import schema
from embudo.store.session import connect
from embudo.store.workspaces import open_workspace

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WORKSPACE = "demo"
USER = "lucia@acme.example"
PASSWORD = secrets.token_urlsafe(12)
LAPTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = (
    ("overview.png", "/?period=quarter&lang=en", LAPTOP),
    ("flows-es.png", "/flows?period=all&lang=es", LAPTOP),
    ("report-it.png", "/reports/health?by=channel&period=all&lang=it", LAPTOP),
    ("overview-phone.png", "/?period=all&lang=es", PHONE),
)


def build_demo(url: str, contacts: int) -> None:
    """A year of the b2b-saas template's business ending now, through the engine."""
    engine = connect(url)
    try:
        schema.upgrade(engine)
        now = datetime.now(UTC)
        loaded = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml")
        with engine.begin() as conn:
            apply_spec(conn, WORKSPACE, loaded.document, loaded.source, now=now)
            add_user(
                conn,
                open_workspace(conn, WORKSPACE).id,
                USER,
                name="Lucia Bianchi",
                team="marketing",
                role="admin",
                password=PASSWORD,
                now=now,
            )
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        plan = DemoPlan(contacts, seed=1, start=start.replace(year=start.year - 1))
        run_demo(engine, WORKSPACE, loaded.spec, plan, now=now)
    finally:
        engine.dispose()


FIGURES_WAIT = 600.0


@contextmanager
def served(url: str) -> Iterator[str]:
    """The dashboard on `url`'s store, on a free loopback port, in a thread; its pages wait
    for their figures however long they take (a screenshot never shows a placeholder)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_server(Settings(database_url=url, workspace=WORKSPACE, report_wait=FIGURES_WAIT))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def signed_in(browser: Browser, base: str) -> StorageState:
    """The cookies of a browser that signed in through the form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    state = context.storage_state()
    context.close()
    return state


def photograph(browser: Browser, base: str) -> None:
    session = signed_in(browser, base)
    for name, path, size in SHOTS:
        context = browser.new_context(viewport=size, device_scale_factor=1, storage_state=session)
        page = context.new_page()
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        for chart in page.locator("[data-chart]").all():
            chart.and_(page.locator("[data-drawn='true']")).wait_for()
        page.wait_for_timeout(1200)  # ECharts animates its first drawing
        page.screenshot(path=OUT / name, full_page=True)
        context.close()
        print(f"wrote {OUT / name}")


def main(contacts: int = 3000) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        build_demo(url, contacts)
        with served(url) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            photograph(browser, base)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
