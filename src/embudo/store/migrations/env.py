"""Alembic environment: migrates the connection `embudo.store.schema` passes in.

Custom column types are rendered as their underlying SQLAlchemy types, so a
revision is a frozen snapshot that never imports embudo code. SQLite runs in
batch mode, since it cannot ALTER most things.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from embudo.store.tables import metadata
from embudo.store.types import Document

DOCUMENT = 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render embudo's types with SQLAlchemy's own, e.g. `sa.DateTime(timezone=True)`.

    `Document` is spelled out because Alembic renders its JSONB variant with an
    unimported `Text()`.
    """
    if kind != "type":
        return False
    if item is Document:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return DOCUMENT
    if isinstance(item, TypeDecorator) and _is_embudo(item):
        return f"sa.{item.impl!r}"
    return False


def _is_embudo(item: Any) -> bool:
    return type(item).__module__.startswith("embudo.")


def run_migrations(connection: Connection) -> None:
    """Run the pending revisions on `connection` inside Alembic's transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _given_connection() -> Connection:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("embudo migrations run through embudo.store.schema, not the alembic CLI")
    return connection


run_migrations(_given_connection())
