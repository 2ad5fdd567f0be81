"""Engines from `connect` give SQLite the same transactional behaviour as PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from embudo.store.session import connect
from embudo.store.tables import campaigns


class Abandon(Exception):
    """Raised inside a transaction to roll it back."""


def test_ddl_is_rolled_back_with_its_transaction(store: Engine) -> None:
    with pytest.raises(Abandon), store.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (a INTEGER)"))
        raise Abandon
    assert not inspect(store).has_table("scratch")


def test_a_savepoint_rolls_back_alone(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (a INTEGER)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
        with pytest.raises(Abandon), connection.begin_nested():
            connection.execute(text("INSERT INTO scratch VALUES (2)"))
            raise Abandon
        assert connection.execute(text("SELECT a FROM scratch")).scalars().all() == [1]


def test_foreign_keys_are_enforced(store: Engine) -> None:
    row = {"workspace_id": 1, "channel_id": 1, "name": "x", "created_at": datetime.now(UTC)}
    with pytest.raises(IntegrityError), store.begin() as connection:
        connection.execute(campaigns.insert().values(**row))


def test_power_is_available(store: Engine) -> None:
    with store.connect() as connection:
        assert connection.execute(text("SELECT power(2, 10)")).scalar_one() == 1024


def test_a_bare_postgresql_url_uses_psycopg() -> None:
    engine = connect("postgresql://root@127.0.0.1:1/test")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()
