"""The database schema's version: migrate to head, read where a database is, refuse to run behind.

Migrations are Alembic revisions shipped in `embudo.store:migrations`; no
alembic.ini is needed, the configuration is built here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from embudo.domain.errors import DatabaseNotReady

SCRIPT_LOCATION = "embudo.store:migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the shipped migrations; env.py migrates `connection`."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision this code knows; cached, since every command asks for it."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {SCRIPT_LOCATION}")
    return str(head)


def upgrade(engine: Engine) -> str:
    """Migrate the database to head, creating a SQLite file if needed; return the revision."""
    _migrate(engine, command.upgrade, "head")
    return current_revision(engine) or "nothing"


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to `revision` (`base` removes every table)."""
    _migrate(engine, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated.

    Opening a SQLite file that does not exist creates it: see `missing_sqlite_file`.
    """
    with _reach(engine, engine.url) as connection:
        return _read_revision(connection)


def require_ready(engine: Engine, url_for_message: str) -> None:
    """Raise `DatabaseNotReady` unless the database is reachable and at head.

    Cheap on purpose (one query), since every command calls it. A missing SQLite
    file is reported, never created.
    """
    missing = missing_sqlite_file(engine)
    if missing is not None:
        raise DatabaseNotReady(_missing_message(missing, url_for_message))
    with _reach(engine, url_for_message) as connection:
        revision = _read_revision(connection)
    if revision != head_revision():
        raise DatabaseNotReady(behind_message(url_for_message, revision))


def behind_message(url: str | URL, revision: str | None) -> str:
    """One line saying the database is not at head and how to fix it."""
    shown = hide_password(url)
    return (
        f"the database at {shown} is not migrated (at {revision or 'nothing'}, "
        f"needs {head_revision()}) — run: embudo db upgrade --db {shown}"
    )


def missing_sqlite_file(engine: Engine) -> Path | None:
    """The path of a file-backed SQLite database that does not exist yet, else None."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    path = Path(database)
    return None if path.exists() else path


def hide_password(url: str | URL) -> str:
    """`url` as text with any password replaced by `***`."""
    return make_url(url).render_as_string(hide_password=True)


def _missing_message(path: Path, url: str) -> str:
    return (
        f"the database file {path} does not exist — "
        f"run: embudo db upgrade --db {hide_password(url)} to create it"
    )


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run an Alembic command in one transaction (SQLite too: its DDL is transactional)."""
    with (
        _reach(engine, engine.url) as connection,
        _sqlite_foreign_keys_off(connection),
        connection.begin(),
    ):
        step(alembic_config(connection), revision)


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Switch SQLite's foreign keys off while batch migrations rebuild tables, as SQLite advises.

    The pragma is ignored inside a transaction, so it goes to the driver before one begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _reach(engine: Engine, url_for_message: str | URL) -> Iterator[Connection]:
    """A connection, or `DatabaseNotReady` in one line when the server cannot be reached."""
    try:
        connection = engine.connect()
    except OperationalError as error:
        raise DatabaseNotReady(_unreachable_message(url_for_message, error)) from error
    with connection:
        yield connection


def _unreachable_message(url: str | URL, error: OperationalError) -> str:
    return (
        f"cannot reach the database at {hide_password(url)}: {_short_reason(error)} "
        "— check --db or EMBUDO_DATABASE_URL"
    )


def _short_reason(error: DBAPIError) -> str:
    """The driver's first line, without libpq's `connection failed:` preambles."""
    lines = [line.strip() for line in str(error.orig).splitlines() if line.strip()]
    reason = lines[0] if lines else type(error.orig).__name__
    return reason.rsplit(" failed: ", 1)[-1]


def _read_revision(connection: Connection) -> str | None:
    """Read the version table in one query; a missing table means never migrated."""
    try:
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        revisions = sorted(rows)
    except DBAPIError:
        connection.rollback()
        if inspect(connection).has_table(VERSION_TABLE):
            raise
        return None
    return ", ".join(revisions) or None
