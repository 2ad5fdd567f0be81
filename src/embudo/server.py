"""The one ASGI app `embudo serve` runs: the HTTP API with the web dashboard installed on it.

The API and the dashboard are sibling interfaces that never import each
other; this composition root is where they meet, so one process on one port
serves `/v1` (intake), `/api/v1` (REST) and the dashboard's pages.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from embudo.api.app import create_app
from embudo.config import Settings, load_settings
from embudo.web.install import install
from embudo.web.state import Clock, utc_now


def create_server(
    settings: Settings | None = None, engine: Engine | None = None, clock: Clock = utc_now
) -> FastAPI:
    """The API and the dashboard on `engine`, or on a new one for the settings' database;
    `clock` is the dashboard's (a benchmark replays a fixture's moment with it)."""
    chosen = settings or Settings()
    app = create_app(chosen, engine)
    secret = chosen.secret_key.get_secret_value() if chosen.secret_key else None
    install(
        app,
        app.state.engine,
        chosen.workspace,
        clock,
        secret_key=secret,
        report_wait=chosen.report_wait,
    )
    return app


def from_environment() -> FastAPI:
    """The app for `EMBUDO_DATABASE_URL` and `EMBUDO_WORKSPACE`: what each uvicorn worker builds."""
    return create_server(load_settings())
