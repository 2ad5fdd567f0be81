"""Membership tests that stay cheap on every database."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY


def among(
    conn: Connection, column: ColumnElement[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """`column IN values`, with the values in one parameter: an array or a JSON text.

    An IN list has one placeholder per value, so every batch size is a new
    statement that the database parses and plans afresh, and SQLAlchemy
    renders the list into the SQL at each execution. PostgreSQL gets
    `column = ANY(array)`; SQLite `column IN (SELECT value FROM json_each(?))`.
    """
    if conn.dialect.name == "sqlite":
        listed = func.json_each(bindparam(None, json.dumps(list(values)), type_=String()))
        return column.in_(select(listed.table_valued("value").c.value))
    if conn.dialect.name != "postgresql":
        return column.in_(values)
    item = BigInteger() if column.type.python_type is int else String()
    return column == any_(bindparam(None, list(values), type_=ARRAY(item)))
