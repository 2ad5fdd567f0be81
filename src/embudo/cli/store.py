"""Opening the store for a command: connect, refuse an unready database, close after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from embudo.cli.options import settings
from embudo.config import Settings
from embudo.store import schema
from embudo.store.session import connect
from embudo.store.workspaces import Workspace, open_workspace


@contextmanager
def opened(chosen: Settings) -> Iterator[Engine]:
    """An engine on a reachable database at the schema this code needs, disposed after."""
    engine = connect(chosen.database_url)
    try:
        schema.require_ready(engine, chosen.database_url)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def in_workspace(db: str | None, workspace: str | None) -> Iterator[tuple[Connection, Workspace]]:
    """The workspace in force, on a connection whose transaction commits at the end."""
    chosen = settings(db, workspace)
    with opened(chosen) as engine, engine.begin() as conn:
        yield conn, open_workspace(conn, chosen.workspace)


@contextmanager
def reading_workspace(
    db: str | None, workspace: str | None
) -> Iterator[tuple[Connection, Workspace]]:
    """The workspace in force, on a connection for reading."""
    chosen = settings(db, workspace)
    with opened(chosen) as engine, engine.connect() as conn:
        yield conn, open_workspace(conn, chosen.workspace)


def migrate(chosen: Settings) -> None:
    """Create or migrate the database: the commands that set things up need no extra step."""
    engine = connect(chosen.database_url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


def clock() -> datetime:
    """The one place the CLI reads the time; everything below takes `now` as an argument."""
    return datetime.now(UTC)
