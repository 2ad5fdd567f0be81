"""Membership tests that stay cheap on every database."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def among(
    conn: Connection, column: ColumnElement[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `column = ANY(array)` with one parameter.

    An IN list has one placeholder per value, so every batch size is a new
    statement that PostgreSQL parses and plans afresh (and psycopg converts
    afresh); a single array parameter keeps the statement the same.
    """
    if conn.dialect.name != "postgresql":
        return column.in_(values)
    item = BigInteger() if column.type.python_type is int else String()
    return column == any_(bindparam(None, list(values), type_=ARRAY(item)))
