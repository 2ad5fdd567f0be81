"""Playbooks: which actions the funnel definition asks for when something happens.

A trigger is a fact the engine just wrote (a contact entered or left a
stage, a deal entered a stage, a first-touch SLA was breached, a deal rotted
in its stage). This module only decides: it matches triggers against the
playbooks' `when` and returns the planned runs, in the order the triggers and
playbooks were given. The engine (`embudo.engine.playbooks`) acts.

Each run has a key — playbook, subject and the trigger's own key — that the
engine records once, so a trigger seen twice (a rerun, a replayed command)
runs its playbooks once. The seeds' consent rule is marked here and checked
there: adding a contact to a list needs its subscription, because a marketing
list must never reach a contact who unsubscribed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from embudo.domain.spec import Action, AddToList, Playbook, PlaybookTrigger


class SubjectKind(StrEnum):
    CONTACT = "contact"
    DEAL = "deal"


@dataclass(frozen=True, slots=True)
class ContactEntered:
    contact_id: int
    stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ContactLeft:
    contact_id: int
    stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DealEntered:
    deal_id: int
    contact_id: int
    stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SlaBreached:
    """A first-touch breach; `at` is when the touch fell due (one per MQL entry)."""

    contact_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class DealRotted:
    """A deal that stayed in `stage` (entered at `entered_at`) past its rotting limit, at `at`."""

    deal_id: int
    contact_id: int
    stage: str
    entered_at: datetime
    at: datetime


Trigger = ContactEntered | ContactLeft | DealEntered | SlaBreached | DealRotted


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One action a playbook asks for; `needs_consent`: skip it for an unsubscribed contact."""

    playbook: str
    action: Action
    trigger: Trigger
    needs_consent: bool

    @property
    def at(self) -> datetime:
        return self.trigger.at


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """A playbook's actions for one trigger; `key` makes the run happen once."""

    playbook: str
    trigger: Trigger
    actions: tuple[PlannedAction, ...]

    @property
    def subject(self) -> tuple[SubjectKind, int]:
        return subject_of(self.trigger)

    @property
    def key(self) -> str:
        return trigger_key(self.trigger)


def plan(playbooks: Sequence[Playbook], triggers: Sequence[Trigger]) -> list[PlannedRun]:
    """The runs the triggers call for: per trigger, each playbook whose `when` matches it."""
    return [
        PlannedRun(playbook.name, trigger, _actions(playbook, trigger))
        for trigger in triggers
        for playbook in playbooks
        if matches(playbook.when, trigger)
    ]


def _actions(playbook: Playbook, trigger: Trigger) -> tuple[PlannedAction, ...]:
    return tuple(
        PlannedAction(playbook.name, action, trigger, isinstance(action, AddToList))
        for action in playbook.do
    )


def matches(when: PlaybookTrigger, trigger: Trigger) -> bool:
    """Whether a playbook's `when` names this trigger."""
    match trigger:
        case ContactEntered(stage=stage):
            return when.contact_enters == stage
        case ContactLeft(stage=stage):
            return when.contact_leaves == stage
        case DealEntered(stage=stage):
            return when.deal_enters == stage
        case SlaBreached():
            return when.sla_breached
        case DealRotted():
            return when.deal_rots


def on_move(contact_id: int, from_stage: str | None, to_stage: str, at: datetime) -> list[Trigger]:
    """The triggers of one lifecycle move: leaving the old stage, then entering the new."""
    left: list[Trigger] = [] if from_stage is None else [ContactLeft(contact_id, from_stage, at)]
    return [*left, ContactEntered(contact_id, to_stage, at)]


def subject_of(trigger: Trigger) -> tuple[SubjectKind, int]:
    """What a run is about: the deal for deal triggers, else the contact."""
    if isinstance(trigger, DealEntered | DealRotted):
        return SubjectKind.DEAL, trigger.deal_id
    return SubjectKind.CONTACT, trigger.contact_id


def trigger_key(trigger: Trigger) -> str:
    """The trigger's identity for its subject: kind, stage and moment.

    Moments, not row ids, because the engine writes moves in bulk and cannot
    read their ids back on SQLite. Two entries of one subject into the same
    stage at the same instant are one trigger. A rot is keyed by the stage
    entry it ends, so changing `rotting_days` never fires it twice.
    """
    match trigger:
        case ContactEntered(stage=stage, at=at):
            return f"contact_enters:{stage}:{at.isoformat()}"
        case ContactLeft(stage=stage, at=at):
            return f"contact_leaves:{stage}:{at.isoformat()}"
        case DealEntered(stage=stage, at=at):
            return f"deal_enters:{stage}:{at.isoformat()}"
        case SlaBreached(at=at):
            return f"sla_breached:{at.isoformat()}"
        case DealRotted(stage=stage, entered_at=entered_at):
            return f"deal_rots:{stage}:{entered_at.isoformat()}"


def describe(trigger: Trigger) -> dict[str, str | int]:
    """The trigger as plain data, for an outbox payload or an explanation."""
    kind = trigger_key(trigger).split(":", 1)[0]
    found: dict[str, str | int] = {"kind": kind, "contact_id": trigger.contact_id}
    if isinstance(trigger, DealEntered | DealRotted):
        found["deal_id"] = trigger.deal_id
    if not isinstance(trigger, SlaBreached):
        found["stage"] = trigger.stage
    found["at"] = trigger.at.isoformat()
    return found
