"""Fixtures for tests that need a database: a fresh, migrated store per test, on every backend.

SQLite always; PostgreSQL too when `EMBUDO_TEST_POSTGRES_URL` is set, each test
in a database of its own (`t_<hex>` on the same server), so any engine built
from `store_url` (also in a CLI subprocess or a served app) lands there.

Migrating costs far more than copying: Alembic runs once per test session on
each backend — into a SQLite file and into a PostgreSQL template database —
and each test gets a copy of the result (a file copy; `CREATE DATABASE …
TEMPLATE`). Tests that need an empty database to migrate themselves take
`empty_store_url`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from embudo.store import schema
from embudo.store.session import connect

POSTGRES_URL_VARIABLE = "EMBUDO_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_URL_VARIABLE) or None
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    """Stop the run when PostgreSQL was asked for but cannot be reached: fail, never skip."""
    if POSTGRES_URL is None:
        return
    engine = connect(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        raise pytest.UsageError(
            f"{POSTGRES_URL_VARIABLE} is set but PostgreSQL cannot be reached: {error.orig}"
        ) from error
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the `EMBUDO_TEST_POSTGRES_URL` server, for creating and dropping databases."""
    if POSTGRES_URL is None:
        pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set")
    engine = connect(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session by Alembic; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "embudo.db"
    engine = connect(f"sqlite:///{path}")
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL database migrated once per session by Alembic; tests get copies of it."""
    with _postgres_database(postgres_admin) as url:
        engine = connect(url)
        try:
            schema.upgrade(engine)
        finally:
            engine.dispose()
        database = make_url(url).database
        assert database is not None
        yield database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on: every test that takes a store runs on each."""
    return str(request.param)


@pytest.fixture
def empty_store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database with nothing in it (for SQLite, a file not yet created)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'embudo.db'}"
        return
    with _postgres_database(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture
def store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database migrated to head; parametrized over the backends."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "embudo.db")
        yield f"sqlite:///{tmp_path / 'embudo.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    with _postgres_database(admin, request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """An engine on the fresh, migrated database of `store_url`; disposed afterwards."""
    engine = connect(store_url)
    yield engine
    engine.dispose()


@contextmanager
def _postgres_database(admin: Engine, template: str | None = None) -> Iterator[str]:
    """Create a uniquely named database (a copy of `template`, if named), yield its URL, drop it.

    `STRATEGY WAL_LOG` copies block by block without the checkpoint `FILE_COPY`
    forces; `WITH (FORCE)` ends connections a test left open (a server's
    background thread, a subprocess that was killed).
    """
    name = f"t_{uuid.uuid4().hex[:12]}"
    copy = f" TEMPLATE {template} STRATEGY WAL_LOG" if template else ""
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}{copy}")
    try:
        yield make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
