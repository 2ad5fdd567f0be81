"""User passwords and the dashboard's session secret.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

`users.password_hash` holds an Argon2 hash (a PHC string, never the
password); empty for people who only own contacts and deals and never sign
in. `site_secrets` keeps secrets the app generates once per database — the
key that signs the dashboard's session cookie when `EMBUDO_SECRET_KEY` is not
set — so every uvicorn worker on the same database signs alike. Types are
spelled out, not imported from embudo, so this revision never changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("password_hash", sa.String(length=255), nullable=True))
    op.create_table(
        "site_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_secrets")),
    )


def downgrade() -> None:
    op.drop_table("site_secrets")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
