"""Lifecycle moves: which stage a contact should be in, and when it got there.

Forward moves come from the qualification conditions: a contact moves to the
highest funnel stage whose condition has held, dated at the earliest moment it
held (the time of the event that completed it), so late and out-of-order
messages move contacts at the time things happened. Stages in between are
recorded as separate moves when each was reached at its own earlier moment;
a stage whose condition only held after a higher one's is skipped.

Backward moves are never automatic: recycle, disqualify and reopen are
explicit commands (or `disqualify` rules) and must be allowed by
`lifecycle.moves`. After one, only what happens from then on can qualify the
contact again — otherwise a recycled MQL would re-qualify at once on the very
events that qualified it before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from embudo.domain.conditions import (
    AllOf,
    AnyOf,
    Condition,
    EventSeen,
    Facts,
    NotThis,
    event_names,
    holds,
)
from embudo.domain.errors import MoveNotAllowed
from embudo.domain.spec import DisqualifyRule, FunnelSpec, MoveKind, StageKind


class MoveType(StrEnum):
    """Why a transition happened, in the lifecycle's own words."""

    ENTER = "enter"
    QUALIFY = "qualify"
    RECYCLE = "recycle"
    DISQUALIFY = "disqualify"
    REOPEN = "reopen"
    DEAL = "deal"
    WON = "won"
    ACCEPT = "accept"
    REJECT = "reject"


BACKWARD = frozenset({MoveType.RECYCLE, MoveType.DISQUALIFY, MoveType.REOPEN, MoveType.REJECT})
"""Moves after which qualification counts only what happens next."""


@dataclass(frozen=True, slots=True)
class PlannedMove:
    from_stage: str | None
    to_stage: str
    move: MoveType
    at: datetime
    rule: str | None = None
    reason: str | None = None


def entry_stage(spec: FunnelSpec) -> str:
    """Where every new contact starts: the first funnel stage."""
    return spec.lifecycle.funnel[0].key


def effective_rank(spec: FunnelSpec, stage: str) -> int | None:
    """How far forward a stage counts for qualification; None where nothing moves on its own.

    A nurture stage ranks just below the lowest stage contacts are recycled
    from: a recycled MQL must qualify as an MQL again, not as a lead.
    """
    kind = spec.lifecycle.stage(stage).kind
    if kind is StageKind.FUNNEL:
        return spec.lifecycle.rank(stage)
    recycle = spec.lifecycle.moves.get(MoveKind.RECYCLE)
    if kind is StageKind.NURTURE and recycle is not None:
        return min(spec.lifecycle.rank(key) for key in recycle.from_) - 1
    return None


def plan(
    spec: FunnelSpec,
    stage: str,
    stage_at: datetime,
    since: datetime | None,
    facts: Facts,
    after: datetime | None = None,
) -> list[PlannedMove]:
    """The moves the funnel definition makes for a contact now in `stage`.

    `after` is the time of the oldest event not yet considered: a condition
    tested at an earlier moment sees exactly what it saw before (only what
    had happened by then counts), so only later moments need testing.
    """
    start = _later(since, after)
    forward = _forward(spec, stage, stage_at, since, facts, start)
    found = _disqualification(spec, since, facts, start)
    if found is None:
        return forward
    rule, moment = found
    before = [move for move in forward if move.at < moment]
    current, current_at = (before[-1].to_stage, before[-1].at) if before else (stage, stage_at)
    move = spec.lifecycle.moves[MoveKind.DISQUALIFY]
    if current not in move.from_:
        return forward
    at = max(moment, current_at)
    name = f"disqualify.{rule.name}"
    return [*before, PlannedMove(current, move.to, MoveType.DISQUALIFY, at, name, rule.reason)]


def _forward(
    spec: FunnelSpec,
    stage: str,
    stage_at: datetime,
    since: datetime | None,
    facts: Facts,
    start: datetime | None,
) -> list[PlannedMove]:
    rank = effective_rank(spec, stage)
    if rank is None:
        return []
    hits = [
        (key, moment)
        for key, condition in reversed(spec.qualification_order())
        if spec.lifecycle.rank(key) > rank
        and (moment := earliest(condition, facts, since, start)) is not None
    ]
    return _chain(stage, stage_at, _not_overtaken(hits))


def _not_overtaken(hits: list[tuple[str, datetime]]) -> list[tuple[str, datetime]]:
    """Drop a stage that a higher stage reached at the same moment or before it."""
    return [
        (key, moment)
        for index, (key, moment) in enumerate(hits)
        if all(moment < later for _, later in hits[index + 1 :])
    ]


def _chain(
    stage: str, stage_at: datetime, hits: Iterable[tuple[str, datetime]]
) -> list[PlannedMove]:
    """One move per stage reached, never dated before the move that came before it."""
    moves = []
    for key, moment in hits:
        stage_at = max(moment, stage_at)
        moves.append(
            PlannedMove(stage, key, MoveType.QUALIFY, stage_at, rule=f"qualification.{key}")
        )
        stage = key
    return moves


def _disqualification(
    spec: FunnelSpec, since: datetime | None, facts: Facts, start: datetime | None
) -> tuple[DisqualifyRule, datetime] | None:
    """The disqualify rule whose condition became true first, and when.

    A rule fires when its condition becomes true after the last backward move:
    one that already held when a person reopened or recycled the contact was
    overruled by that person, and does not undo their move at the next event.
    """
    if MoveKind.DISQUALIFY not in spec.lifecycle.moves:
        return None
    found = [
        (rule, moment)
        for rule in spec.disqualify
        if not (since is not None and holds(rule.when, facts, since, since))
        and (moment := earliest(rule.when, facts, since, start)) is not None
    ]
    return min(found, key=lambda pair: pair[1], default=None)


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first or second
    return max(first, second)


def earliest(
    condition: Condition, facts: Facts, since: datetime | None, start: datetime | None = None
) -> datetime | None:
    """The first moment (from `start`, default `since`, on) at which `condition` held.

    Events count from `since` (the last backward move); moments are tested
    from `start`.
    """
    if not _possible(condition, facts, since):
        return None
    for moment in _moments(condition, facts, start or since):
        if holds(condition, facts, moment, since):
            return moment
    return None


def _possible(condition: Condition, facts: Facts, since: datetime | None) -> bool:
    """Whether every event the condition needs happened since `since`.

    A shortcut that changes no answer: without one of them the condition
    holds at no moment, so testing each moment would find none.
    """
    for name in condition.needed_events:
        named = facts.named(name)
        if not named or not (since is None or any(item.at >= since for item in named)):
            return False
    return True


def _moments(condition: Condition, facts: Facts, since: datetime | None) -> list[datetime]:
    """The moments worth testing: when something the condition looks at happened.

    Event counts change only when a named event happens; traits only with an
    identify or group message; scores when a score entry is dated. Windows
    closing can only make a condition false, so no other moment needs testing.
    The first event since `since` is tested too, whatever its name.
    """
    chosen = {
        item.at
        for name in condition.named_events | _TRAIT_MESSAGES
        for item in facts.named(name)
        if since is None or item.at >= since
    }
    if condition.looks_at_score:
        chosen |= {at for at in facts.score_moments() if since is None or at >= since}
    first = min(
        (item.at for item in facts.occurrences if since is None or item.at >= since), default=None
    )
    return sorted(chosen if first is None else chosen | {first})


_TRAIT_MESSAGES = frozenset({"identify", "group"})


def user_move(spec: FunnelSpec, kind: MoveKind, stage: str) -> str:
    """The stage an explicit move leads to, or why the funnel definition refuses it."""
    move = spec.lifecycle.moves.get(kind)
    if move is None:
        raise MoveNotAllowed(
            f"the funnel definition has no '{kind}' move "
            f"— add lifecycle.moves.{kind} to embudo.yaml"
        )
    if stage not in move.from_:
        allowed = ", ".join(move.from_)
        raise MoveNotAllowed(
            f"cannot {kind} a contact in stage '{stage}' (allowed from: {allowed})"
        )
    return move.to


TRAIT_EVENTS = frozenset({"identify", "group", "unsubscribed", "subscribed"})
"""Events that change what a contact is (traits, company, subscription)."""


def watched_events(spec: FunnelSpec) -> frozenset[str]:
    """The events that can change a contact's stage: named by a condition, or changing traits.

    The hand-off's assignment rules count too: they are tested when a contact
    enters the MQL stage, over what the engine read of it.
    """
    named = set().union(*(event_names(condition) for condition in _conditions(spec)))
    return frozenset(named | TRAIT_EVENTS)


def described_events(spec: FunnelSpec) -> frozenset[str]:
    """The events whose properties matter once stored: trait messages, and events a condition
    filters with `where`. Other events count by name and time alone."""
    filtered = set().union(*(_filtered(condition) for condition in _conditions(spec)))
    return frozenset(filtered | {"identify", "group"})


def _filtered(condition: Condition) -> set[str]:
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            return set().union(*(_filtered(part) for part in parts))
        case NotThis(not_=part):
            return _filtered(part)
        case EventSeen(event=name, where=where) if where:
            return {name}
    return set()


def uses_score(spec: FunnelSpec) -> bool:
    """Whether any qualification, disqualify or assignment condition looks at a score."""
    return any(condition.looks_at_score for condition in _conditions(spec))


def _conditions(spec: FunnelSpec) -> list[Condition]:
    """Every condition the engine tests: qualification, disqualify and assignment rules."""
    disqualify = [rule.when for rule in spec.disqualify]
    handoff = [rule.when for rule in spec.handoff.rules]
    return [*spec.qualification.values(), *disqualify, *handoff]
