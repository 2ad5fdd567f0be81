"""Report cache: the dashboard's last report results, and what tells when they are stale.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

`report_cache` keeps, per workspace and report parameters, the last result the
overview showed and the store's data version when it was computed, so every
worker process serves it until a write changes that version. Two indexes make
the in-place changes the version must see cheap to read: a task's completion
(`tasks.completed_at`) and a deal's edit (`deals.updated_at`), both read as a
maximum. A third serves the overview's alerts: whether an MQL's contact had a
completed sales task since it became one (`analytics.queue`), which without
it read every task once per MQL (30 s at 100,000 contacts, 1.3 s with it).
Types are spelled out, as in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_cache",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("report", sa.String(length=64), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("data_version", sa.String(length=400), nullable=False),
        sa.Column("computed_at", UTC_TIME, nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("refresh_started_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_report_cache_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cache")),
        sa.UniqueConstraint("workspace_id", "key", name="uq_report_cache_key"),
    )
    op.create_index("ix_tasks_completed_at", "tasks", ["completed_at"], unique=False)
    op.create_index("ix_deals_updated_at", "deals", ["updated_at"], unique=False)
    op.create_index(
        "ix_tasks_contact_completed", "tasks", ["contact_id", "completed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_contact_completed", table_name="tasks")
    op.drop_index("ix_deals_updated_at", table_name="deals")
    op.drop_index("ix_tasks_completed_at", table_name="tasks")
    op.drop_table("report_cache")
