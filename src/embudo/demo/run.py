"""Running the demo: the simulator's stream fed through the real engine, no shortcut writes.

The sales reps are added first, so the engine assigns each MQL as it enters
the hand-off stage. Messages go through intake and ingestion exactly as
`embudo ingest` sends them; a sales command (a lead move, an answer to an
MQL, a call, a deal step) is applied once every earlier message of the
contacts it names has been ingested, so each contact's year reaches the
engine in the order it happened. (Waiting for every earlier message of
everyone would cut ingestion into batches of a few dozen messages and
double the run time; other contacts' messages cannot change what a command
about this one does, only which rep the round-robin picks next.) A command
the engine refuses (recycling a contact that never qualified, moving a deal
a playbook already closed) is counted, not fatal: in a real team, that is a
rep clicking the wrong button.

Messages are idempotent by `messageId`, commands are not: when the seed's
reps already exist, the year was played in this workspace before, so the
messages come back as duplicates and no command is applied again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select

from embudo.demo.commands import apply_command, command_kind
from embudo.demo.costs import record_costs
from embudo.demo.simulator import simulate
from embudo.demo.steps import Command, Message, people_in, person_of
from embudo.demo.team import sales_reps
from embudo.domain.errors import InvalidInput, MoveNotAllowed, NotFound
from embudo.domain.spec import FunnelSpec
from embudo.engine.ingest import BATCH_SIZE, IngestSummary, ingest
from embudo.engine.intake import Incoming, read_payload
from embudo.engine.users import add_user
from embudo.store.tables import sla_breaches, users
from embudo.store.workspaces import Workspace, open_workspace

REFUSALS = (MoveNotAllowed, InvalidInput, NotFound)
"""What the engine answers a command it will not apply; anything else is a bug."""


@dataclass(slots=True)
class DemoSummary:
    ingested: IngestSummary = field(default_factory=IngestSummary)
    applied: Counter[str] = field(default_factory=Counter)
    """Sales commands applied, by kind (recycle, accept, deal_won, ...)."""
    refused: Counter[str] = field(default_factory=Counter)
    reps: int = 0
    breaches: int = 0
    """First-touch SLA breaches recorded in the workspace by the end of the run."""
    replayed: bool = False
    costs: int = 0
    """Campaign costs recorded for the paid campaigns (`demo.costs`)."""

    @property
    def moves(self) -> int:
        return sum(self.applied.values())

    @property
    def refusals(self) -> int:
        return sum(self.refused.values())


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
    with engine.begin() as conn:
        opened = open_workspace(conn, workspace)
        summary.reps, summary.replayed = _hire(conn, opened.id, spec, plan.seed, now)
    backlog = Backlog()
    steps = simulate(
        spec, contacts=plan.contacts, seed=plan.seed, start=plan.start, months=plan.months
    )
    for step in steps:
        if not isinstance(step, dict):
            if backlog.holds(people_in(step)):
                _flush(engine, workspace, backlog, now, summary, progress)
            if not summary.replayed:
                _command(engine, opened, step, now, summary)
            continue
        backlog.add(step)
        if len(backlog.pending) >= BATCH_SIZE:
            _flush(engine, workspace, backlog, now, summary, progress)
    _flush(engine, workspace, backlog, now, summary, progress)
    with engine.begin() as conn:
        summary.breaches = _breaches(conn, opened.id)
        if not summary.replayed:
            summary.costs = record_costs(conn, opened.id, spec.currency)
    return summary


def _hire(
    conn: Connection, workspace_id: int, spec: FunnelSpec, seed: int, now: datetime
) -> tuple[int, bool]:
    """Add the seed's sales reps; (how many are new, whether they were all there already)."""
    taken = set(conn.scalars(select(users.c.email).where(users.c.workspace_id == workspace_id)))
    wanted = sales_reps(spec, seed)
    new = [rep for rep in wanted if rep.email not in taken]
    for rep in new:
        add_user(conn, workspace_id, rep.email, name=rep.name, team=rep.team, now=now)
    return len(new), not new


class Backlog:
    """Messages read but not ingested yet, and the visitors they belong to."""

    def __init__(self) -> None:
        self.pending: list[Incoming] = []
        self.people: set[str] = set()

    def add(self, message: Message) -> None:
        self.pending.append(read_payload("demo", message))
        self.people.add(person_of(str(message["anonymousId"])))

    def holds(self, people: tuple[str, ...]) -> bool:
        return not self.people.isdisjoint(people)

    def clear(self) -> None:
        self.pending.clear()
        self.people.clear()


def _flush(
    engine: Engine,
    workspace: str,
    backlog: Backlog,
    now: datetime,
    summary: DemoSummary,
    progress: Callable[[int], None] | None,
) -> None:
    if not backlog.pending:
        return
    done = ingest(engine, workspace, backlog.pending, now=now, progress=progress)
    summary.ingested.accepted += done.accepted
    summary.ingested.duplicates += done.duplicates
    summary.ingested.rejected += done.rejected
    backlog.clear()


def _command(
    engine: Engine, workspace: Workspace, command: Command, now: datetime, summary: DemoSummary
) -> None:
    """One command, one transaction: a refused one leaves nothing behind."""
    kind = command_kind(command)
    try:
        with engine.begin() as conn:
            apply_command(conn, workspace, command, now)
        summary.applied[kind] += 1
    except REFUSALS:
        summary.refused[kind] += 1


def _breaches(conn: Connection, workspace_id: int) -> int:
    query = select(func.count()).where(sla_breaches.c.workspace_id == workspace_id)
    return int(conn.scalar(query) or 0)
