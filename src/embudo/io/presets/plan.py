"""What a preset turns its files into, and how that goes through the engine.

A preset reads its files into an `ImportPlan`: Segment messages (who the
contacts are, their first touch, what qualified them), the sales reps, and
deal steps (open, close) in the order they happened. Nothing here writes
derived state itself: messages go through `ingest`, reps through `add_user`,
deal steps through the engine's deal commands with their historic times —
the same path the demo takes.

Idempotent: messages carry ids derived from the source's ids (a replay is a
duplicate), reps are added once, and a deal is keyed by its source record
(`deals.source_key`): a step whose effect is already stored is skipped — an
open whose key exists, a close of a deal no longer open — so a second run
changes nothing, and a run cut short is finished by the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select

from embudo.domain.deals import DealSource
from embudo.domain.errors import InvalidInput, MoveNotAllowed, NotFound
from embudo.engine.assignment import assign_contact
from embudo.engine.deals import create_deal, lose_deal, win_deal
from embudo.engine.ingest import IngestSummary, ingest
from embudo.engine.intake import Incoming, read_payload
from embudo.engine.users import add_user
from embudo.io.presets.quirks import QuirkLog
from embudo.io.presets.requirements import ready_workspace
from embudo.io.spec_file import LoadedSpec
from embudo.store.deals import KeyedDeal, deal_ids_by_source_key
from embudo.store.tables import users
from embudo.store.workspaces import Workspace

STEPS_PER_TRANSACTION = 200
KEYS_PER_QUERY = 500
REFUSALS = (MoveNotAllowed, InvalidInput, NotFound)
REFUSED = "refused by the engine (row skipped)"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    name: str
    team: str = "sales"


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """Open the deal `key` for `contact` at `at`; `assign_to` makes that rep the contact's owner."""

    key: str
    where: str
    at: datetime
    contact: str
    amount: Decimal
    stage: str | None = None
    owner: str | None = None
    title: str = ""
    assign_to: str | None = None


@dataclass(frozen=True, slots=True)
class CloseDeal:
    """Close the deal `key` at `at`: won, or lost with `reason`."""

    key: str
    where: str
    at: datetime
    won: bool
    reason: str = ""


DealStep = OpenDeal | CloseDeal


@dataclass(slots=True)
class ImportPlan:
    preset: str
    spec: LoadedSpec
    pipeline: str
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(where it came from, Segment message)."""
    users: list[NewUser] = field(default_factory=list)
    steps: list[DealStep] = field(default_factory=list)
    quirks: QuirkLog = field(default_factory=QuirkLog)

    @property
    def actor(self) -> str:
        return f"import:{self.preset}"

    @property
    def size(self) -> int:
        """Units of work, for a progress bar: messages plus deal steps."""
        return len(self.messages) + len(self.steps)

    def stages(self) -> set[str]:
        """The pipeline stages deals are opened in."""
        return {step.stage for step in self.steps if isinstance(step, OpenDeal) and step.stage}

    def reasons(self) -> set[str]:
        """The loss reasons deals are closed with."""
        return {step.reason for step in self.steps if isinstance(step, CloseDeal) and not step.won}

    def events(self) -> set[str]:
        """The track events the messages send."""
        return {message["event"] for _, message in self.messages if message["type"] == "track"}

    def ordered_steps(self) -> list[DealStep]:
        """Steps in time order, opening before closing at the same moment."""
        return sorted(self.steps, key=lambda step: (step.at, isinstance(step, CloseDeal)))


@dataclass(slots=True)
class ImportSummary:
    ingested: IngestSummary = field(default_factory=IngestSummary)
    users_added: int = 0
    opened: int = 0
    won: int = 0
    lost: int = 0
    already_imported: int = 0
    refused: int = 0


Progress = Callable[[int], None]


def run_import(
    engine: Engine,
    workspace_name: str,
    plan: ImportPlan,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Apply `plan` through the engine: messages, then reps, then deal steps in time order."""
    advance = progress or (lambda _done: None)
    summary = ImportSummary()
    with engine.begin() as conn:
        workspace = ready_workspace(conn, workspace_name, plan, now)
    incoming = (_incoming(where, message) for where, message in plan.messages)
    summary.ingested = ingest(engine, workspace_name, incoming, now=now, progress=advance)
    with engine.begin() as conn:
        summary.users_added = _add_users(conn, workspace.id, plan.users, now)
    _run_steps(engine, workspace, plan, now, summary, advance)
    return summary


def _incoming(where: str, message: dict[str, Any]) -> Incoming:
    return read_payload(where, message)


def _add_users(conn: Connection, workspace_id: int, wanted: list[NewUser], now: datetime) -> int:
    """Add the reps not in the workspace yet; returns how many were new."""
    taken = set(conn.scalars(select(users.c.email).where(users.c.workspace_id == workspace_id)))
    new = {user.email: user for user in wanted if user.email not in taken}
    for user in new.values():
        add_user(conn, workspace_id, user.email, name=user.name, team=user.team, now=now)
    return len(new)


def _run_steps(
    engine: Engine,
    workspace: Workspace,
    plan: ImportPlan,
    now: datetime,
    summary: ImportSummary,
    advance: Progress,
) -> None:
    with engine.connect() as conn:
        known = _known(conn, workspace.id, {step.key for step in plan.steps})
    run = _StepRunner(workspace, plan, known, now, summary)
    for chunk in _chunks(plan.ordered_steps(), STEPS_PER_TRANSACTION):
        with engine.begin() as conn:
            for step in chunk:
                run.step(conn, step)
        advance(len(chunk))


def _known(conn: Connection, workspace_id: int, keys: set[str]) -> dict[str, KeyedDeal]:
    """The deals of these keys imported before, a few hundred keys a query."""
    found: dict[str, KeyedDeal] = {}
    for chunk in _chunks(sorted(keys), KEYS_PER_QUERY):
        found |= deal_ids_by_source_key(conn, workspace_id, chunk)
    return found


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _StepRunner:
    """Applies deal steps, each in a savepoint: a refused one is a quirk, not the end."""

    def __init__(
        self,
        workspace: Workspace,
        plan: ImportPlan,
        known: dict[str, KeyedDeal],
        now: datetime,
        summary: ImportSummary,
    ) -> None:
        self.workspace = workspace
        self.plan = plan
        self.known = known
        self.ids = {key: deal.id for key, deal in known.items()}
        self.now = now
        self.summary = summary

    def step(self, conn: Connection, step: DealStep) -> None:
        if self._done_before(step):
            return
        try:
            with conn.begin_nested():
                self._apply(conn, step)
        except REFUSALS as refused:
            self.summary.refused += 1
            self.plan.quirks.add(REFUSED, step.where, f"deal {step.key}: {refused}")

    def _done_before(self, step: DealStep) -> bool:
        """Whether an earlier import already did this step (or its deal never opened)."""
        earlier = self.known.get(step.key)
        if isinstance(step, OpenDeal):
            if earlier is not None:
                self.summary.already_imported += 1
            return earlier is not None
        if step.key not in self.ids:
            return True
        return earlier is not None and earlier.status != "open"

    def _apply(self, conn: Connection, step: DealStep) -> None:
        if isinstance(step, OpenDeal):
            self.ids[step.key] = self._open(conn, step)
            self.summary.opened += 1
        else:
            self._close(conn, step)

    def _open(self, conn: Connection, step: OpenDeal) -> int:
        if step.assign_to is not None:
            actor = self.plan.actor
            assign_contact(
                conn, self.workspace, step.contact, to=step.assign_to, actor=actor, now=step.at
            )
        return create_deal(
            conn,
            self.workspace,
            step.contact,
            pipeline=self.plan.pipeline,
            stage=step.stage,
            amount=step.amount,
            owner_email=step.owner,
            title=step.title,
            source_key=step.key,
            actor=self.plan.actor,
            source=DealSource.IMPORT,
            now=self.now,
            at=step.at,
        )

    def _close(self, conn: Connection, step: CloseDeal) -> None:
        deal_id = self.ids[step.key]
        common: dict[str, Any] = {"actor": self.plan.actor, "source": DealSource.IMPORT}
        if step.won:
            win_deal(conn, self.workspace, deal_id, **common, now=self.now, at=step.at)
            self.summary.won += 1
        else:
            lose_deal(
                conn, self.workspace, deal_id, step.reason, **common, now=self.now, at=step.at
            )
            self.summary.lost += 1
