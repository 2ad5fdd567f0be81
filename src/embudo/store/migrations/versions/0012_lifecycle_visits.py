"""Lifecycle visits: each move with the contact's next move, kept by the engine.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

A cache of what `lifecycle_transitions` and the tasks done say
(`store.visits`): time-in-stage and the SLA read each visit's end and first
sales touch from it instead of pairing every move with the next one. The
rows for the history already stored are written here, with the same window
the engine uses; the wide index is built after them. Types are spelled out,
as in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
STAGE_INDEX = ["workspace_id", "stage", "entered_at", "left_at", "seconds", "contact_id"]
WHOLE_SECONDS = {
    "sqlite": "CAST(strftime('%s', substr({0}, 1, 19)) AS INTEGER)",
    "postgresql": "CAST(floor(extract(epoch FROM {0})) AS BIGINT)",
}
BACKFILL = """
INSERT INTO lifecycle_visits (transition_id, workspace_id, contact_id, stage, entered_at,
                              left_at, seconds, next_move, next_reason, touched_at)
SELECT id, workspace_id, contact_id, to_stage, occurred_at, left_at, {left} - {entered},
       next_move, next_reason,
       (SELECT min(touches.at) FROM (
            SELECT completed_at AS at FROM tasks
            WHERE tasks.contact_id = paired.contact_id
              AND tasks.kind IN ('call', 'email', 'meeting')
              AND tasks.completed_at >= paired.occurred_at
              AND (paired.again_at IS NULL OR tasks.completed_at < paired.again_at)
            UNION ALL
            SELECT occurred_at FROM lifecycle_transitions AS answers
            WHERE answers.contact_id = paired.contact_id
              AND answers.move IN ('accept', 'reject')
              AND answers.occurred_at >= paired.occurred_at
              AND (paired.again_at IS NULL OR answers.occurred_at < paired.again_at)
        ) AS touches)
FROM (
    SELECT id, workspace_id, contact_id, to_stage, occurred_at,
           lead(occurred_at) OVER w AS left_at, lead(move) OVER w AS next_move,
           lead(reason) OVER w AS next_reason,
           lead(occurred_at) OVER (PARTITION BY contact_id, to_stage ORDER BY occurred_at, id)
               AS again_at
    FROM lifecycle_transitions
    WINDOW w AS (PARTITION BY contact_id ORDER BY occurred_at, id)
) AS paired
"""


def upgrade() -> None:
    op.create_table(
        "lifecycle_visits",
        sa.Column("transition_id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("entered_at", UTC_TIME, nullable=False),
        sa.Column("left_at", UTC_TIME, nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("next_move", sa.String(length=16), nullable=True),
        sa.Column("next_reason", sa.String(length=200), nullable=True),
        sa.Column("touched_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_lifecycle_visits_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["lifecycle_transitions.id"],
            name=op.f("fk_lifecycle_visits_transition_id_lifecycle_transitions"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_lifecycle_visits_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("transition_id", name=op.f("pk_lifecycle_visits")),
    )
    whole = WHOLE_SECONDS[op.get_bind().dialect.name]
    op.execute(BACKFILL.format(left=whole.format("left_at"), entered=whole.format("occurred_at")))
    op.create_index("ix_lifecycle_visits_contact", "lifecycle_visits", ["contact_id"])
    op.create_index("ix_lifecycle_visits_workspace_stage", "lifecycle_visits", STAGE_INDEX)


def downgrade() -> None:
    op.drop_index("ix_lifecycle_visits_workspace_stage", table_name="lifecycle_visits")
    op.drop_index("ix_lifecycle_visits_contact", table_name="lifecycle_visits")
    op.drop_table("lifecycle_visits")
