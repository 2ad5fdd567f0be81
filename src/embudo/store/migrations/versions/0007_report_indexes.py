"""Report indexes: the lifecycle moves in the orders the reports read them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

- `(workspace_id, contact_id, occurred_at, id)`: each contact's moves in time
  order, the order of every per-contact window (an MQL entry's answer in
  `sla`, stage visits in `time-in-stage` and `stalled`), so SQLite reads them
  in order instead of sorting all of them.
- `(workspace_id, to_stage, occurred_at, contact_id)`: the entries into one
  stage (MQL entries in `lead-velocity`, `sla`, `attribution`), read from the
  index alone instead of from every move.

Plain indexes: SQLite needs no batch mode to create or drop them.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "lifecycle_transitions"
INDEXES = {
    "ix_lifecycle_transitions_workspace_contact_occurred": [
        "workspace_id",
        "contact_id",
        "occurred_at",
        "id",
    ],
    "ix_lifecycle_transitions_workspace_to_stage": [
        "workspace_id",
        "to_stage",
        "occurred_at",
        "contact_id",
    ],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, TABLE, columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name=TABLE)
