"""Running playbooks: the actions the funnel definition asks for, where the trigger happened.

Every place that writes a trigger — the funnel engine's moves, a person's
move, a deal's move, an SLA breach, the rot check — calls `run_playbooks` in
its own transaction, so an action commits or rolls back with what caused it;
external effects only ever leave through the outbox.

Each run (playbook, subject and trigger) is claimed once in `playbook_runs`
before its actions run, with what each did recorded after: running the same
trigger again does nothing, and the row explains the run. When none of the
runs can nest (no `create_deal`), they are all claimed in one statement and
their outcomes recorded in one more, instead of three statements a run: an
ingest batch makes hundreds of runs.

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

from sqlalchemy import Connection, bindparam, insert, select, update

from embudo.domain.errors import PlaybookLoop
from embudo.domain.playbooks import PlannedRun, Trigger, on_move, plan
from embudo.domain.spec import CreateDeal, CreateTask
from embudo.engine.playbook_actions import Step, create_tasks, perform
from embudo.store.sets import among
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
        if any(_nests(run) for run in runs):
            return [ran for run in runs if (ran := _run(conn, workspace, run, now)) is not None]
        return _run_claimed(conn, workspace, _claim_all(conn, workspace.id, runs, now), now)


def _nests(run: PlannedRun) -> bool:
    """Whether the run's actions may run playbooks of their own (only `create_deal` does)."""
    return any(isinstance(planned.action, CreateDeal) for planned in run.actions)


def _run_claimed(
    conn: Connection, workspace: Workspace, claimed: list[tuple[int, PlannedRun]], now: datetime
) -> list[Ran]:
    """Run runs already claimed, in order, and record their outcomes in one statement."""
    if all(_only_tasks(run) for _, run in claimed):
        made = _tasks_of(conn, workspace, claimed, now)
    else:
        made = [
            (run_id, run, _perform_all(conn, workspace, run_id, run, now))
            for run_id, run in claimed
        ]
    if made:
        t = playbook_runs
        conn.execute(
            update(t).where(t.c.id == bindparam("run_id")).values(outcomes=bindparam("done")),
            [{"run_id": run_id, "done": list(outcomes)} for run_id, _, outcomes in made],
        )
    return [_ran(run, outcomes) for _, run, outcomes in made]


def _only_tasks(run: PlannedRun) -> bool:
    return all(isinstance(planned.action, CreateTask) for planned in run.actions)


def _tasks_of(
    conn: Connection, workspace: Workspace, claimed: list[tuple[int, PlannedRun]], now: datetime
) -> list[tuple[int, PlannedRun, tuple[str, ...]]]:
    """Runs that only create tasks, all their tasks created at once (the hand-off's call)."""
    actions = [planned for _, run in claimed for planned in run.actions]
    outcomes = iter(create_tasks(conn, workspace.id, actions, now))
    return [(run_id, run, tuple(next(outcomes) for _ in run.actions)) for run_id, run in claimed]


def _perform_all(
    conn: Connection, workspace: Workspace, run_id: int, run: PlannedRun, now: datetime
) -> tuple[str, ...]:
    return tuple(
        perform(conn, workspace, planned, Step(run_id, index, now))
        for index, planned in enumerate(run.actions)
    )


def _ran(run: PlannedRun, outcomes: tuple[str, ...]) -> Ran:
    kind, subject_id = run.subject
    return Ran(run.playbook, f"{kind.value} {subject_id}", run.key, outcomes)


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
    outcomes = _perform_all(conn, workspace, run_id, run, now)
    t = playbook_runs
    conn.execute(update(t).where(t.c.id == run_id).values(outcomes=list(outcomes)))
    return _ran(run, outcomes)


def _claim(conn: Connection, workspace_id: int, run: PlannedRun, now: datetime) -> int | None:
    """Record the run before its actions; None when it ran already."""
    t = playbook_runs
    key = {"workspace_id": workspace_id, **_key(run)}
    found = conn.scalar(select(t.c.id).where(*(t.c[name] == value for name, value in key.items())))
    if found is not None:
        return None
    row = insert(t).values(_claim_row(workspace_id, run, now))
    return int(conn.execute(row.returning(t.c.id)).scalar_one())


def _claim_all(
    conn: Connection, workspace_id: int, runs: list[PlannedRun], now: datetime
) -> list[tuple[int, PlannedRun]]:
    """Claim every run not claimed yet (the first of any repeated) in one statement, in order.

    Only for runs whose actions run no playbooks of their own: nothing else
    claims a run between this claim and their actions.
    """
    taken = _claimed(conn, workspace_id, runs)
    fresh: dict[tuple[str, str, int, str], PlannedRun] = {}
    for run in runs:
        key = _identity(run)
        if key not in taken and key not in fresh:
            fresh[key] = run
    if not fresh:
        return []
    t = playbook_runs
    statement = insert(t).returning(
        t.c.id, t.c.playbook, t.c.subject_kind, t.c.subject_id, t.c.trigger_key
    )
    rows = [_claim_row(workspace_id, run, now) for run in fresh.values()]
    id_of = {tuple(row[1:]): int(row[0]) for row in conn.execute(statement, rows)}
    return [(id_of[key], run) for key, run in fresh.items()]


def _claimed(
    conn: Connection, workspace_id: int, runs: list[PlannedRun]
) -> set[tuple[str, str, int, str]]:
    """Which of the runs were claimed before, looked up by subject."""
    t = playbook_runs
    wanted = {_identity(run) for run in runs}
    rows = conn.execute(
        select(t.c.playbook, t.c.subject_kind, t.c.subject_id, t.c.trigger_key).where(
            t.c.workspace_id == workspace_id,
            among(conn, t.c.playbook, {key[0] for key in wanted}),
            among(conn, t.c.subject_kind, {key[1] for key in wanted}),
            among(conn, t.c.subject_id, {key[2] for key in wanted}),
        )
    )
    return {key for row in rows if (key := (row[0], row[1], row[2], row[3])) in wanted}


def _identity(run: PlannedRun) -> tuple[str, str, int, str]:
    kind, subject_id = run.subject
    return (run.playbook, kind.value, subject_id, run.key)


def _key(run: PlannedRun) -> dict[str, Any]:
    playbook, kind, subject_id, trigger_key = _identity(run)
    return {
        "playbook": playbook,
        "subject_kind": kind,
        "subject_id": subject_id,
        "trigger_key": trigger_key,
    }


def _claim_row(workspace_id: int, run: PlannedRun, now: datetime) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        **_key(run),
        "contact_id": run.trigger.contact_id,
        "occurred_at": run.trigger.at,
        "outcomes": [],
        "ran_at": now,
    }


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
