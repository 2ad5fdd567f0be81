"""Putting the dashboard on an app: its pages, its static files, its state.

`embudo.server` calls `install` on the API's app, so one process (and one
port) serves the API and the dashboard; the web layer needs only the engine
and the settings, never the API's modules. Session cookies are signed with
`secret_key` (`EMBUDO_SECRET_KEY`) or, without one, with a secret stored in
the database the first time a request needs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from embudo.engine.site_secrets import site_secret
from embudo.web.pages import (
    api_keys,
    contact,
    contact_actions,
    flows,
    leads,
    overview,
    pipeline,
    reports,
    settings,
    sign_in,
    users,
)
from embudo.web.report_cache import WAIT_SECONDS, ReportCache
from embudo.web.sessions import SECRET_NAME, SessionKeys
from embudo.web.state import Clock, WebState, utc_now

STATIC = Path(__file__).parent / "static"
PAGES = (
    sign_in,
    overview,
    flows,
    pipeline,
    leads,
    contact,
    contact_actions,
    reports,
    settings,
    api_keys,
    users,
)


def install(
    app: FastAPI,
    engine: Engine,
    workspace: str,
    clock: Clock = utc_now,
    secret_key: str | None = None,
    report_wait: float = WAIT_SECONDS,
) -> None:
    """Serve the dashboard from `app` on `engine`, showing `workspace` unless one is chosen;
    a report computed for the first time is waited for `report_wait` seconds at most."""
    store_url = engine.url.render_as_string(hide_password=False)
    keys = SessionKeys(lambda: secret_key or site_secret(engine, SECRET_NAME, now=clock()))
    reports = ReportCache(engine, wait=report_wait)
    app.state.web = WebState(engine, store_url, workspace, reports, keys, clock)
    _close_on_shutdown(app, reports)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        app.include_router(module.router)


def _close_on_shutdown(app: FastAPI, reports: ReportCache) -> None:
    """Stop the report cache's background work when the app stops, before its store goes."""
    running = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[Any]:
        async with running(served) as state:
            try:
                yield state
            finally:
                reports.close()

    app.router.lifespan_context = lifespan
