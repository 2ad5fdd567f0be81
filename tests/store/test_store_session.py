"""Engines from `connect` give SQLite the same transactional behaviour as PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError

from embudo.store.session import WAL_CHECKPOINT_PAGES, connect, for_reading, for_writing
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


def test_a_writing_transaction_takes_the_sqlite_write_lock_at_begin(tmp_path: Path) -> None:
    """Taken at BEGIN, not at the first write: a second writer waits from the start
    instead of failing later on a stale snapshot."""
    engine = connect(f"sqlite:///{tmp_path / 'lock.db'}?timeout=0")
    try:
        with engine.begin() as setup:
            setup.execute(text("CREATE TABLE t (x INTEGER)"))
        with for_writing(engine).begin() as holder:
            holder.execute(text("SELECT 1"))
            with engine.connect() as other, pytest.raises(OperationalError, match="locked"):
                other.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        engine.dispose()


def test_a_reading_transaction_does_not_wait_for_the_sqlite_write_lock(tmp_path: Path) -> None:
    """Even from an engine made for writing: reads go on from the last committed state."""
    engine = connect(f"sqlite:///{tmp_path / 'lock.db'}?timeout=0")
    writer = for_writing(engine)
    try:
        with engine.begin() as setup:
            setup.execute(text("CREATE TABLE t (x INTEGER)"))
            setup.execute(text("INSERT INTO t VALUES (1)"))
        with writer.begin() as holder:
            holder.execute(text("INSERT INTO t VALUES (2)"))
            with for_reading(writer).connect() as reader:
                assert reader.scalar(text("SELECT count(*) FROM t")) == 1
            with writer.connect() as other, pytest.raises(OperationalError, match="locked"):
                other.execute(text("SELECT count(*) FROM t"))
    finally:
        engine.dispose()


def test_sqlite_checkpoints_its_log_every_ten_thousand_pages(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'log.db'}")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
    engine.dispose()
    assert (mode, pages) == ("wal", WAL_CHECKPOINT_PAGES)
