"""Fixtures for tests that need a database: a fresh, migrated store per test, on every backend.

SQLite always; PostgreSQL too when `EMBUDO_TEST_POSTGRES_URL` is set, each test
in its own schema `t_<hex>` named by the URL's `options=-csearch_path=...`, so
any engine built from `store_url` (also in a CLI subprocess) lands there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
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
    """An engine on the `EMBUDO_TEST_POSTGRES_URL` database, for creating and dropping schemas."""
    if POSTGRES_URL is None:
        pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set")
    engine = connect(POSTGRES_URL)
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


@pytest.fixture(params=BACKENDS)
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database with nothing in it (for SQLite, a file not yet created)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'embudo.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    yield from _postgres_schema(admin)


@pytest.fixture
def store_url(request: pytest.FixtureRequest, empty_store_url: str) -> str:
    """The URL of a fresh database migrated to head; parametrized over the backends."""
    if empty_store_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, _sqlite_path(empty_store_url))
        return empty_store_url
    engine = connect(empty_store_url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    return empty_store_url


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """An engine on the fresh, migrated database of `store_url`; disposed afterwards."""
    engine = connect(store_url)
    yield engine
    engine.dispose()


def _postgres_schema(admin: Engine) -> Iterator[str]:
    """Create a uniquely named schema, yield a URL whose search_path is it, drop it after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {name}")
    url = make_url(admin.url).update_query_dict({"options": f"-csearch_path={name}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        connection.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database is not None
    return Path(database)
