"""Deal source keys: the id a deal has in the system it was imported from.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

An importer names each deal by its source record (`maven:1C1I7A6R`), so a
second import of the same file finds the deal instead of opening it again.
Unique per workspace; empty for deals opened in embudo. A nullable column and
a unique index: SQLite needs no batch mode for either.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deals", sa.Column("source_key", sa.String(length=200), nullable=True))
    op.create_index(
        "ux_deals_workspace_source_key", "deals", ["workspace_id", "source_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_deals_workspace_source_key", table_name="deals")
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("source_key")
