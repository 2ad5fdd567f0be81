"""Playbook runs: one row per playbook, subject and trigger, so each run happens once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Types are spelled out, not imported from embudo, so this revision never changes
when the application's column types do. Only a new table: SQLite needs no
batch mode for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "playbook_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("playbook", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("trigger_key", sa.String(length=200), nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("outcomes", DOCUMENT, nullable=False),
        sa.Column("ran_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_playbook_runs_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_playbook_runs_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_runs")),
        sa.UniqueConstraint(
            "workspace_id",
            "playbook",
            "subject_kind",
            "subject_id",
            "trigger_key",
            name="uq_playbook_runs_run",
        ),
    )
    op.create_index("ix_playbook_runs_contact", "playbook_runs", ["contact_id"], unique=False)


def downgrade() -> None:
    op.drop_table("playbook_runs")
