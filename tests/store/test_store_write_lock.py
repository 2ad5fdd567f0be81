"""A writer waits for SQLite's write lock by polling, within its busy timeout (SQLite only:
PostgreSQL has no database-wide write lock)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from embudo.store.session import connect, for_writing


def lock_file(tmp_path: Path, timeout: float) -> Engine:
    engine = connect(f"sqlite:///{tmp_path / 'lock.db'}?timeout={timeout}")
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE t (x INTEGER)"))
    return engine


def test_a_writer_waits_for_the_lock_and_writes_once_it_is_free(tmp_path: Path) -> None:
    engine = lock_file(tmp_path, timeout=5)
    writer = for_writing(engine)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer.begin() as holder:
            holder.execute(text("INSERT INTO t VALUES (1)"))
            held.set()
            release.wait()

    holding = threading.Thread(target=hold)
    holding.start()
    held.wait()
    threading.Timer(0.05, release.set).start()
    try:
        with writer.begin() as waiter:
            assert release.is_set()  # it got the lock only once the holder let go
            waiter.execute(text("INSERT INTO t VALUES (2)"))
            assert waiter.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 5000
    finally:
        release.set()
        holding.join()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT group_concat(x) FROM t")) == "1,2"
    engine.dispose()


def test_a_writer_gives_up_after_its_busy_timeout(tmp_path: Path) -> None:
    engine = lock_file(tmp_path, timeout=0.05)
    writer = for_writing(engine)
    try:
        with writer.begin() as holder:
            holder.execute(text("INSERT INTO t VALUES (1)"))
            with writer.connect() as waiter:
                with pytest.raises(OperationalError, match="locked"):
                    waiter.execute(text("INSERT INTO t VALUES (2)"))
                raw = waiter.connection.driver_connection
                assert raw is not None
                assert raw.execute("PRAGMA busy_timeout").fetchone() == (50,)  # put back
    finally:
        engine.dispose()
