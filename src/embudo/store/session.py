"""Connecting to the store: one SQLAlchemy engine per database URL.

SQLite runs in WAL mode with foreign keys on, and gets the math functions the
set-based rescoring needs (`power`), which not every SQLite build has. Its
transactions are SQLAlchemy's, not the sqlite3 module's: the module would begin
only at the first write and autocommit DDL, so a read-then-write could lose an
update, a failed migration would stay half done and SAVEPOINTs would misbehave.
A connection asked to write (`for_writing`) begins `IMMEDIATE`: it takes
SQLite's write lock up front, waiting its turn (the busy timeout, polled:
`write_lock`) behind another process or thread. A plain `BEGIN` would read first and fail at its
first write with "database is locked" whenever another writer committed in
between — WAL cannot upgrade a reader whose snapshot is stale, so no timeout
helps. The HTTP API, with concurrent requests and worker processes, writes
this way; what only reads first (a request's key, the queued intake batches)
is read `for_reading`, without waiting for the lock a writer holds.
PostgreSQL goes through psycopg 3 (also for a bare `postgresql://` URL) and
gives up connecting after a few seconds instead of hanging a command.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from embudo.domain.errors import DatabaseNotReady
from embudo.store.write_lock import begin_immediate

POSTGRES_CONNECT_TIMEOUT_SECONDS = 10


def connect(url: str) -> Engine:
    """An engine for `url`; SQLite gets its pragmas and functions on every connection."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _prepare_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args=_postgres_args(parsed))


def _parse(url: str) -> URL:
    """`url` parsed, with a clear error for a malformed URL or an unknown database kind."""
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        parsed.get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
        raise DatabaseNotReady(
            f"the database URL {url!r} is not valid: {error} — check --db or EMBUDO_DATABASE_URL"
        ) from error
    return parsed


def _postgres_args(url: URL) -> dict[str, Any]:
    if "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}


WAL_CHECKPOINT_PAGES = 10_000
"""SQLite copies the write-ahead log back into the database (and syncs both) once it holds
this many pages, about 40 MiB, instead of SQLite's 1,000: an intake round writes more than
1,000 pages, so each commit paid a checkpoint; with fewer, pages written again and again
(indexes) are copied back once, and `/v1/batch` went from 4,643-4,835 to 5,089-6,103
events/s (docs/benchmarks.md). Durability is unchanged: a commit is in the log either way."""


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("power", 2, math.pow, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.close()


def for_writing(engine: Engine) -> Engine:
    """The same engine (and pool), whose SQLite transactions take the write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def for_reading(engine: Engine) -> Engine:
    """The same engine (and pool), whose SQLite transactions begin `DEFERRED` whatever
    `engine`'s: a transaction that only reads must not queue for the write lock behind a
    writer (WAL gives it the last committed state meanwhile)."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def _begin_sqlite(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "")
    if mode == "IMMEDIATE":
        begin_immediate(connection)
    else:
        connection.exec_driver_sql(f"BEGIN {mode}".strip())
