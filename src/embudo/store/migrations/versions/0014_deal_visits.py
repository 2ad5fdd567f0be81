"""Deal visits: each deal move with the deal's next move and its pipeline, kept by the engine.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27

A cache of what `deal_stage_history` says (`store.deal_visits`):
time-in-stage reads each deal visit's pipeline and end from it instead of
pairing every deal move with the next one and looking its deal up. The rows
for the history already stored are written here, with the same window the
engine uses; the wide index is built after them. Types are spelled out, as
in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
STAGE_INDEX = [
    "workspace_id",
    "pipeline",
    "stage",
    "entered_at",
    "left_at",
    "seconds",
    "deal_id",
]
WHOLE_SECONDS = {
    "sqlite": "CAST(strftime('%s', substr({0}, 1, 19)) AS INTEGER)",
    "postgresql": "CAST(floor(extract(epoch FROM {0})) AS BIGINT)",
}
BACKFILL = """
INSERT INTO deal_visits (history_id, workspace_id, deal_id, pipeline, stage, entered_at,
                         left_at, seconds)
SELECT id, workspace_id, deal_id, pipeline, to_stage, occurred_at, left_at,
       {left} - {entered}
FROM (
    SELECT h.id, h.workspace_id, h.deal_id, d.pipeline, h.to_stage, h.occurred_at,
           lead(h.occurred_at) OVER (PARTITION BY h.deal_id ORDER BY h.occurred_at, h.id)
               AS left_at
    FROM deal_stage_history AS h JOIN deals AS d ON d.id = h.deal_id
) AS paired
"""


def upgrade() -> None:
    op.create_table(
        "deal_visits",
        sa.Column("history_id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("deal_id", ID, nullable=False),
        sa.Column("pipeline", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("entered_at", UTC_TIME, nullable=False),
        sa.Column("left_at", UTC_TIME, nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_visits_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["history_id"],
            ["deal_stage_history.id"],
            name=op.f("fk_deal_visits_history_id_deal_stage_history"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_deal_visits_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("history_id", name=op.f("pk_deal_visits")),
    )
    whole = WHOLE_SECONDS[op.get_bind().dialect.name]
    op.execute(BACKFILL.format(left=whole.format("left_at"), entered=whole.format("occurred_at")))
    op.create_index("ix_deal_visits_deal", "deal_visits", ["deal_id"])
    op.create_index("ix_deal_visits_workspace_stage", "deal_visits", STAGE_INDEX)


def downgrade() -> None:
    op.drop_index("ix_deal_visits_workspace_stage", table_name="deal_visits")
    op.drop_index("ix_deal_visits_deal", table_name="deal_visits")
    op.drop_table("deal_visits")
