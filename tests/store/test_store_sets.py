"""`among` selects the same rows as an IN list, on every database."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import ColumnElement, Engine, insert, select

from embudo.store.sets import among
from embudo.store.tables import workspaces

NOW = datetime(2024, 3, 1, tzinfo=UTC)
NAMES = ("north", "south", "o'brien", "ñandú")


def _chosen(store: Engine, column: Any, values: Collection[Any]) -> set[str]:
    with store.connect() as conn:  # never committed: rolled back on close
        conn.execute(insert(workspaces), [{"name": name, "created_at": NOW} for name in NAMES])
        ids = dict(conn.execute(select(workspaces.c.name, workspaces.c.id)).all())
        wanted = {ids[value] for value in values} if column is workspaces.c.id else values
        condition: ColumnElement[bool] = among(conn, column, wanted)
        return set(conn.scalars(select(workspaces.c.name).where(condition)))


@pytest.mark.parametrize("values", [set(), {"south"}, {"north", "o'brien", "ñandú", "absent"}])
def test_among_text_values(store: Engine, values: set[str]) -> None:
    assert _chosen(store, workspaces.c.name, values) == values - {"absent"}


@pytest.mark.parametrize("values", [set(), {"north"}, {"south", "ñandú"}])
def test_among_ids(store: Engine, values: set[str]) -> None:
    assert _chosen(store, workspaces.c.id, values) == values
