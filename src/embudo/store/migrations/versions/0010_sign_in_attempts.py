"""Sign-in attempts: recent failed sign-ins, to refuse more after too many.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26

One row per failed sign-in and subject (`email:ADDRESS` or `client:HOST`),
kept in the database so every uvicorn worker counts the same failures; rows
older than the window are deleted as new failures are recorded. Types are
spelled out, as in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("attempted_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_sign_in_attempts_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(
        "ix_sign_in_attempts_subject",
        "sign_in_attempts",
        ["workspace_id", "subject", "attempted_at"],
        unique=False,
    )
    op.create_index(
        "ix_sign_in_attempts_attempted_at", "sign_in_attempts", ["attempted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_attempted_at", table_name="sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_subject", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
