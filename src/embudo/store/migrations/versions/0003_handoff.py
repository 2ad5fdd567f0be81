"""The hand-off to sales: owner assignments and first-touch SLA breaches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Types are spelled out, not imported from embudo, so this revision never changes
when the application's column types do. Only new tables: SQLite needs no
batch mode for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _create_owner_assignments()
    _create_sla_breaches()


def _create_owner_assignments() -> None:
    op.create_table(
        "owner_assignments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("assigned_at", UTC_TIME, nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_owner_assignments_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_owner_assignments_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_owner_assignments_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_assignments")),
    )
    op.create_index(
        "ix_owner_assignments_contact", "owner_assignments", ["contact_id", "id"], unique=False
    )
    op.create_index(
        "ix_owner_assignments_owner",
        "owner_assignments",
        ["workspace_id", "owner_id"],
        unique=False,
    )


def _create_sla_breaches() -> None:
    op.create_table(
        "sla_breaches",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("transition_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("touched_at", UTC_TIME, nullable=True),
        sa.Column("detected_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_sla_breaches_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_sla_breaches_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["lifecycle_transitions.id"],
            name=op.f("fk_sla_breaches_transition_id_lifecycle_transitions"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_sla_breaches_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_breaches")),
        sa.UniqueConstraint(
            "transition_id", "kind", name=op.f("uq_sla_breaches_transition_id_kind")
        ),
    )
    op.create_index(
        "ix_sla_breaches_workspace_due", "sla_breaches", ["workspace_id", "due_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("sla_breaches")
    op.drop_table("owner_assignments")
