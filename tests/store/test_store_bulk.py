"""Bulk statements write each row's values, converted by their column types, on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, bindparam, select, update

from embudo.store.bulk import Bulk, insert_rows
from embudo.store.types import Document, Id, UtcDateTime

bulk_metadata = MetaData()
notes = Table(
    "bulk_notes",
    bulk_metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("title", String(50), nullable=False),
    Column("at", UtcDateTime, nullable=True),
    Column("body", Document, nullable=True),
)
AT = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def notes_store(store: Engine) -> Iterator[Engine]:
    """The store with a scratch table of plain, timestamp and JSON columns."""
    bulk_metadata.create_all(store)
    yield store
    bulk_metadata.drop_all(store)


def _all(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(notes).order_by(notes.c.id))]


def test_rows_are_inserted_with_their_values_converted_by_type(notes_store: Engine) -> None:
    rows = [
        {"id": 1, "title": "plain", "at": None, "body": None},
        {"id": 2, "title": "typed", "at": AT, "body": {"path": "/pricing", "tags": [1, 2]}},
    ]
    with notes_store.begin() as connection:
        insert_rows(connection, notes, rows)

    assert _all(notes_store) == [
        (1, "plain", None, None),
        (2, "typed", AT, {"path": "/pricing", "tags": [1, 2]}),
    ]


def test_a_statement_with_a_single_value_writes_it_for_every_row(notes_store: Engine) -> None:
    with notes_store.begin() as connection:
        insert_rows(connection, notes, [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}])
        Bulk(update(notes).values(title=bindparam("new_title"))).run(
            connection, [{"new_title": "same"}]
        )

    assert [row[1] for row in _all(notes_store)] == ["same", "same"]
