"""Running the demo: the simulator's stream fed through the real engine, no shortcut writes.

Messages go through intake and ingestion exactly as `embudo ingest` sends
them; a sales command is applied once every message before it has been
ingested, so the engine sees the year in the order it happened. A command the
funnel definition refuses (recycling a contact that never qualified, say) is
counted, not fatal: in a real team, that is a rep clicking the wrong button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from embudo.demo.simulator import LeadCommand, simulate
from embudo.domain.errors import MoveNotAllowed
from embudo.domain.spec import FunnelSpec, MoveKind
from embudo.engine.ingest import BATCH_SIZE, IngestSummary, ingest
from embudo.engine.intake import Incoming, read_payload
from embudo.engine.moves import move_contact
from embudo.store.workspaces import open_workspace

DEMO_ACTOR = "demo"
_KINDS = {"recycle": MoveKind.RECYCLE, "disqualify": MoveKind.DISQUALIFY}


@dataclass(slots=True)
class DemoSummary:
    ingested: IngestSummary = field(default_factory=IngestSummary)
    moves: int = 0
    refused: int = 0


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What to simulate: how many visitors, from which seed, over which year."""

    contacts: int
    seed: int
    start: datetime
    months: int = 12


def run_demo(
    engine: Engine,
    workspace: str,
    spec: FunnelSpec,
    plan: DemoPlan,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Simulate `plan` and apply every step through the engine; report what happened."""
    summary = DemoSummary()
    pending: list[Incoming] = []
    steps = simulate(
        spec, contacts=plan.contacts, seed=plan.seed, start=plan.start, months=plan.months
    )
    for step in steps:
        if isinstance(step, LeadCommand):
            _flush(engine, workspace, pending, now, summary, progress)
            _command(engine, workspace, step, now, summary)
            continue
        pending.append(read_payload("demo", step))
        if len(pending) >= BATCH_SIZE:
            _flush(engine, workspace, pending, now, summary, progress)
    _flush(engine, workspace, pending, now, summary, progress)
    return summary


def _flush(
    engine: Engine,
    workspace: str,
    pending: list[Incoming],
    now: datetime,
    summary: DemoSummary,
    progress: Callable[[int], None] | None,
) -> None:
    if not pending:
        return
    done = ingest(engine, workspace, pending, now=now, progress=progress)
    summary.ingested.accepted += done.accepted
    summary.ingested.duplicates += done.duplicates
    summary.ingested.rejected += done.rejected
    pending.clear()


def _command(
    engine: Engine, workspace: str, command: LeadCommand, now: datetime, summary: DemoSummary
) -> None:
    try:
        with engine.begin() as conn:
            move_contact(
                conn,
                open_workspace(conn, workspace),
                command.user_id,
                _KINDS[command.kind],
                at=command.at,
                actor=DEMO_ACTOR,
                reason=command.reason,
                now=now,
            )
        summary.moves += 1
    except MoveNotAllowed:
        summary.refused += 1
