"""Inbox: `/v1/batch` requests stored before they are applied, and who is applying them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

Group commit for HTTP intake: a request stores its batch in `inbox` and is
answered; whoever holds a workspace's row in `inbox_leases` (until it
expires) applies what is queued, oldest first, in one transaction that also
deletes what it applied. Types are spelled out, as in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_inbox_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
    )
    op.create_index("ix_inbox_queue", "inbox", ["workspace_id", "id"], unique=False)
    op.create_table(
        "inbox_leases",
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_inbox_leases_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_inbox_leases")),
    )


def downgrade() -> None:
    op.drop_table("inbox_leases")
    op.drop_index("ix_inbox_queue", table_name="inbox")
    op.drop_table("inbox")
