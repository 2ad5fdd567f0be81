"""Funnel definitions keep their written order: `spec_versions.document` as JSON, not JSONB.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

JSONB stores object keys sorted (shortest first), so on PostgreSQL a
definition came back with its pipelines, events and qualification in another
order than written — and the first pipeline is the default one. JSON keeps the
text as written. SQLite already stores JSON as text: nothing to change there.

Rows already stored lost their order; each is read again from its `source`
YAML (a safe load keeps the order) and replaced only when that gives the very
document stored — the same checksum the engine computes — so a row is never
changed in content, only in order. Rows without usable source keep the JSONB
order. The revision imports nothing from embudo, so it never changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPEC_VERSIONS = sa.table(
    "spec_versions",
    sa.column("id", sa.BigInteger()),
    sa.column("document", sa.JSON()),
    sa.column("source", sa.Text()),
    sa.column("checksum", sa.String()),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "spec_versions",
        "document",
        type_=sa.JSON(),
        existing_type=postgresql.JSONB(),
        existing_nullable=False,
        postgresql_using="document::json",
    )
    _restore_written_order(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "spec_versions",
        "document",
        type_=postgresql.JSONB(),
        existing_type=sa.JSON(),
        existing_nullable=False,
        postgresql_using="document::jsonb",
    )


def _restore_written_order(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.select(SPEC_VERSIONS.c.id, SPEC_VERSIONS.c.source, SPEC_VERSIONS.c.checksum)
    )
    for row in rows.all():
        written = _written(row.source, row.checksum)
        if written is not None:
            bind.execute(
                SPEC_VERSIONS.update().where(SPEC_VERSIONS.c.id == row.id).values(document=written)
            )


def _written(source: str, checksum: str) -> dict[str, Any] | None:
    """The document `source` gives, if it is the one stored under `checksum`."""
    try:
        document = yaml.safe_load(source)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or _checksum(document) != checksum:
        return None
    return document


def _checksum(document: dict[str, Any]) -> str:
    """The engine's checksum as of this revision: sorted-key compact JSON, SHA-256."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
