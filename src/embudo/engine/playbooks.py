"""Running playbooks: the actions the funnel definition asks for, where the trigger happened.

Every place that writes a trigger — the funnel engine's moves, a person's
move, a deal's move, an SLA breach, the rot check — calls `run_playbooks` in
its own transaction, so an action commits or rolls back with what caused it;
external effects only ever leave through the outbox.

Each run (playbook, subject and trigger) is claimed once in `playbook_runs`
before its actions run, with what each did recorded after: running the same
trigger again does nothing, and the row explains the run.

Loops. Only `create_deal` makes further triggers (the new deal enters its
stage, the contact may become an opportunity); those run as nested playbooks,
like any other move, and `create_deal` is skipped when the contact already
has an open deal in the pipeline, so chains end. As a guard against a
definition that still chains on, nesting deeper than `MAX_DEPTH` raises
`PlaybookLoop` and the whole transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.errors import PlaybookLoop
from embudo.domain.playbooks import PlannedRun, Trigger, on_move, plan
from embudo.engine.playbook_actions import Step, perform
from embudo.store.tables import playbook_runs
from embudo.store.workspaces import Workspace

MAX_DEPTH = 5
_DEPTH = "embudo.playbook_depth"


@dataclass(frozen=True, slots=True)
class Ran:
    """A playbook run and what each of its actions did."""

    playbook: str
    subject: str
    trigger_key: str
    outcomes: tuple[str, ...]


def run_playbooks(
    conn: Connection, workspace: Workspace, triggers: Sequence[Trigger], *, now: datetime
) -> list[Ran]:
    """Run every playbook the triggers call for, once each; returns the runs made now."""
    runs = plan(workspace.spec.playbooks, triggers)
    if not runs:
        return []
    with _nested(conn, runs[0]):
        return [ran for run in runs if (ran := _run(conn, workspace, run, now)) is not None]


def run_for_moves(
    conn: Connection,
    workspace: Workspace,
    transitions: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
) -> list[Ran]:
    """Run the playbooks of lifecycle transitions written in bulk (`lifecycle_transitions` rows)."""
    triggers = [
        trigger
        for row in transitions
        for trigger in on_move(
            row["contact_id"], row["from_stage"], row["to_stage"], row["occurred_at"]
        )
    ]
    return run_playbooks(conn, workspace, triggers, now=now)


def _run(conn: Connection, workspace: Workspace, run: PlannedRun, now: datetime) -> Ran | None:
    run_id = _claim(conn, workspace.id, run, now)
    if run_id is None:
        return None
    outcomes = tuple(
        perform(conn, workspace, planned, Step(run_id, index, now))
        for index, planned in enumerate(run.actions)
    )
    t = playbook_runs
    conn.execute(update(t).where(t.c.id == run_id).values(outcomes=list(outcomes)))
    kind, subject_id = run.subject
    return Ran(run.playbook, f"{kind.value} {subject_id}", run.key, outcomes)


def _claim(conn: Connection, workspace_id: int, run: PlannedRun, now: datetime) -> int | None:
    """Record the run before its actions; None when it ran already."""
    t = playbook_runs
    kind, subject_id = run.subject
    key = {
        "workspace_id": workspace_id,
        "playbook": run.playbook,
        "subject_kind": kind.value,
        "subject_id": subject_id,
        "trigger_key": run.key,
    }
    found = conn.scalar(select(t.c.id).where(*(t.c[name] == value for name, value in key.items())))
    if found is not None:
        return None
    row = insert(t).values(
        **key,
        contact_id=run.trigger.contact_id,
        occurred_at=run.trigger.at,
        outcomes=[],
        ran_at=now,
    )
    return int(conn.execute(row.returning(t.c.id)).scalar_one())


@contextmanager
def _nested(conn: Connection, run: PlannedRun) -> Iterator[None]:
    """Count how deep playbooks run inside playbooks on this connection; refuse a loop."""
    depth = int(conn.info.get(_DEPTH, 0))
    if depth >= MAX_DEPTH:
        kind, subject_id = run.subject
        raise PlaybookLoop(
            f"playbook '{run.playbook}' on {kind.value} {subject_id} was triggered by playbooks "
            f"{MAX_DEPTH} levels deep — check the playbooks' create_deal actions for a cycle"
        )
    conn.info[_DEPTH] = depth + 1
    try:
        yield
    finally:
        conn.info[_DEPTH] = depth
