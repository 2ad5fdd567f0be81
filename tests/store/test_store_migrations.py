"""The shipped migrations build exactly the schema `tables.metadata` describes, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from embudo.store import schema
from embudo.store.session import connect
from embudo.store.tables import metadata


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_upgrade_reaches_head_and_matches_the_metadata(empty_store_url: str) -> None:
    engine = connect(empty_store_url)
    try:
        assert schema.current_revision(engine) is None
        assert schema.upgrade(engine) == schema.head_revision()
        assert schema.current_revision(engine) == schema.head_revision()
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing(store: Engine) -> None:
    assert schema.upgrade(store) == schema.head_revision()
    assert _differences(store) == []


def test_the_store_fixture_is_migrated(store: Engine) -> None:
    assert schema.current_revision(store) == schema.head_revision()
    assert set(inspect(store).get_table_names()) == {*metadata.tables, schema.VERSION_TABLE}


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(store: Engine) -> None:
    schema.downgrade(store, "base")
    assert set(inspect(store).get_table_names()) <= {schema.VERSION_TABLE}
    assert schema.current_revision(store) is None
    schema.upgrade(store)
    assert _differences(store) == []
