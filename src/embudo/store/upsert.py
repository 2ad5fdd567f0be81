"""An INSERT that says what to do when the row is already there, on either backend.

SQLite and PostgreSQL both take `ON CONFLICT … DO NOTHING | DO UPDATE`, but
SQLAlchemy builds it from each dialect's own `insert`; this picks the one for
the connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_or(conn: Connection, table: Table) -> Any:
    """`insert(table)` of `conn`'s dialect, with `on_conflict_do_nothing` / `_do_update`."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
