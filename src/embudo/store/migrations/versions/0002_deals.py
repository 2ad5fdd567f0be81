"""Deals in the sales pipelines and their append-only stage history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Types are spelled out, not imported from embudo, so this revision never changes
when the application's column types do. Only new tables: SQLite needs no
batch mode for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
    _create_deals()
    _create_deal_stage_history()


def _create_deals() -> None:
    op.create_table(
        "deals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("company_id", ID, nullable=True),
        sa.Column("pipeline", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("expected_close_on", sa.Date(), nullable=True),
        sa.Column("channel_id", ID, nullable=True),
        sa.Column("campaign_id", ID, nullable=True),
        sa.Column("loss_reason", sa.String(length=64), nullable=True),
        sa.Column("referred_by_contact_id", ID, nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("stage_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_deals_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_deals_channel_id_channels")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_deals_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_deals_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_deals_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["referred_by_contact_id"],
            ["contacts.id"],
            name=op.f("fk_deals_referred_by_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_deals_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    op.create_index("ix_deals_contact", "deals", ["contact_id"], unique=False)
    op.create_index(
        "ix_deals_workspace_pipeline_stage",
        "deals",
        ["workspace_id", "pipeline", "stage"],
        unique=False,
    )


def _create_deal_stage_history() -> None:
    op.create_table(
        "deal_stage_history",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("deal_id", ID, nullable=False),
        sa.Column("from_stage", sa.String(length=64), nullable=True),
        sa.Column("to_stage", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("spec_version_id", ID, nullable=True),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_stage_history_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["spec_version_id"],
            ["spec_versions.id"],
            name=op.f("fk_deal_stage_history_spec_version_id_spec_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_deal_stage_history_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_stage_history")),
    )
    op.create_index(
        "ix_deal_stage_history_deal", "deal_stage_history", ["deal_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("deal_stage_history")
    op.drop_table("deals")
