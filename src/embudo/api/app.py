"""The app factory: the API's composition root.

Settings (or a ready engine, in tests) come in as arguments; nothing below
reads the environment. `from_environment` is the factory uvicorn's workers
call (`embudo serve`), each process building its own engine: they share
nothing but the database, so any number of them can serve it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib.metadata import version

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine

from embudo.api import docs, problems
from embudo.api.dependencies import clock, single_valued_query
from embudo.api.inbox_drainer import InboxDrainer
from embudo.api.limits import BodyLimit
from embudo.api.routers import (
    api_keys,
    checks,
    contacts,
    deals,
    funnel,
    intake,
    leads,
    lists,
    operations,
    queue,
    reports,
    tasks,
    users,
)
from embudo.config import Settings, load_settings
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.session import connect, for_writing

ROUTERS = (
    intake,
    contacts,
    leads,
    queue,
    deals,
    tasks,
    lists,
    funnel,
    reports,
    users,
    operations,
    checks,
    api_keys,
)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The API on `engine`, or on a new one for `settings.database_url` (disposed at shutdown)."""
    owned = engine is None
    if engine is None:
        engine = connect((settings or Settings()).database_url)
    app = FastAPI(
        title="embudo",
        version=version("embudo"),
        summary="Segment-compatible intake and the REST API of one marketing and sales funnel.",
        lifespan=_running(owned),
        dependencies=[Depends(single_valued_query)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.writer = for_writing(engine)
    app.state.opened = OpenedWorkspaces()
    app.state.drainer = InboxDrainer(app.state.writer, app.state.opened, clock)
    problems.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["Link"],
    )
    app.add_middleware(BodyLimit)
    for module in ROUTERS:
        app.include_router(module.router)
    docs.install(app)
    return app


def _running(owned: bool) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the intake drainer runs while it serves; an engine it made is
    disposed after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        drainer: InboxDrainer = app.state.drainer
        drainer.start()
        try:
            yield
        finally:
            drainer.close()
            if owned:
                app.state.engine.dispose()

    return lifespan


def from_environment() -> FastAPI:
    """The app for `EMBUDO_DATABASE_URL`: what `embudo serve` hands each uvicorn worker."""
    return create_app(load_settings())
