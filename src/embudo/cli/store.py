"""Opening the store for a command: connect, refuse an unready database, close after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine

from embudo.config import Settings
from embudo.store import schema
from embudo.store.session import connect


@contextmanager
def opened(settings: Settings) -> Iterator[Engine]:
    """An engine on a reachable database at the schema this code needs, disposed after."""
    engine = connect(settings.database_url)
    try:
        schema.require_ready(engine, settings.database_url)
        yield engine
    finally:
        engine.dispose()


def migrate(settings: Settings) -> None:
    """Create or migrate the database: the commands that set things up need no extra step."""
    engine = connect(settings.database_url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


def clock() -> datetime:
    """The one place the CLI reads the time; everything below takes `now` as an argument."""
    return datetime.now(UTC)
