"""Taking SQLite's write lock at BEGIN as soon as it is free.

SQLite's own busy handler sleeps 1, 2, 5, 10, … then 100 ms between tries,
so a writer waiting behind a long transaction — the intake applier's rounds
hold the lock a few hundred milliseconds — tries again up to 100 ms after
the lock is free, by when the holder may have begun its next transaction:
`/v1/batch` requests waited out round after round that way. Here the wait
is polled, the pause doubling from 1 ms to `LONGEST_PAUSE`, for as long as
the connection's busy timeout allows, SQLite's own handler being off meanwhile.
"""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

FIRST_PAUSE = 0.001
LONGEST_PAUSE = 0.004


def begin_immediate(connection: Connection) -> None:
    """`BEGIN IMMEDIATE`, waiting for the write lock up to the connection's busy timeout."""
    timeout_ms = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        _poll(connection, time.monotonic() + timeout_ms / 1000)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {timeout_ms}")


def _poll(connection: Connection, deadline: float) -> None:
    pause = FIRST_PAUSE
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if not _busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)


def _busy(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
