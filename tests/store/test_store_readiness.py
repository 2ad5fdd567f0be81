"""`require_ready` refuses a missing, unreachable or outdated database in one actionable line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from embudo.domain.errors import DatabaseNotReady
from embudo.store import schema
from embudo.store.session import connect

HEAD = schema.head_revision()


def _refusal(url: str) -> str:
    engine = connect(url)
    try:
        with pytest.raises(DatabaseNotReady) as refused:
            schema.require_ready(engine, url)
    finally:
        engine.dispose()
    return str(refused.value)


def test_a_migrated_database_is_ready(store: Engine, store_url: str) -> None:
    schema.require_ready(store, store_url)


def test_an_unmigrated_database_says_to_run_db_upgrade(empty_store_url: str) -> None:
    engine = connect(empty_store_url)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    shown = schema.hide_password(empty_store_url)
    assert _refusal(empty_store_url) == (
        f"the database at {shown} is not migrated (at nothing, needs {HEAD})"
        f" — run: embudo db upgrade --db {shown}"
    )


def test_a_database_behind_head_names_both_revisions(store: Engine, store_url: str) -> None:
    with store.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    shown = schema.hide_password(store_url)
    assert _refusal(store_url) == (
        f"the database at {shown} is not migrated (at 0000, needs {HEAD})"
        f" — run: embudo db upgrade --db {shown}"
    )


def test_a_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    url = f"sqlite:///{path}"
    assert _refusal(url) == (
        f"the database file {path} does not exist — run: embudo db upgrade --db {url} to create it"
    )
    assert not path.exists()


def test_an_unreachable_postgres_hides_the_password() -> None:
    url = "postgresql+psycopg://root:secret@127.0.0.1:1/test"
    assert _refusal(url) == (
        "cannot reach the database at postgresql+psycopg://root:***@127.0.0.1:1/test:"
        " Connection refused — check --db or EMBUDO_DATABASE_URL"
    )


def test_a_malformed_url_is_refused_when_connecting() -> None:
    with pytest.raises(DatabaseNotReady, match="the database URL 'nonsense' is not valid"):
        connect("nonsense")
