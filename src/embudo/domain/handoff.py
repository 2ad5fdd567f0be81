"""The hand-off from marketing to sales: who gets an MQL, and where accept and reject lead.

Assignment is decided from the assignment history, never from memory, so
several processes assigning at once (each holding the team's rows locked)
agree. Round-robin is *fair by load*: the next owner is the active team member
with the fewest assignments; ties go to the one who waited longest since their
last assignment (never assigned counts as longest), then to the lowest id —
deterministic, so a replay chooses the same person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from embudo.domain.conditions import Facts, holds
from embudo.domain.errors import InvalidInput, MoveNotAllowed
from embudo.domain.spec import AssignmentRule, FunnelSpec, Handoff, LossReason, StageKind

DEFAULT_REJECTION_REASONS = (
    LossReason(key="not_a_fit", label="Not a fit"),
    LossReason(key="no_budget", label="No budget"),
    LossReason(key="wrong_contact", label="Wrong contact"),
    LossReason(key="duplicate", label="Duplicate"),
    LossReason(key="not_ready", label="Not ready to buy"),
)
"""The reasons sales may give when the funnel definition lists none."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An active team member and their assignment record so far."""

    user_id: int
    assignments: int = 0
    last_assigned_at: datetime | None = None


def next_owner(candidates: Sequence[Candidate]) -> Candidate | None:
    """The member whose turn it is: fewest assignments, longest waiting, lowest id."""
    if not candidates:
        return None
    return min(candidates, key=_turn)


def _turn(candidate: Candidate) -> tuple[int, datetime, int]:
    return (candidate.assignments, candidate.last_assigned_at or _NEVER, candidate.user_id)


_NEVER = datetime.min.replace(tzinfo=UTC)


class Rotation:
    """A team's turns over a batch: each choice counts as an assignment for the next one."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self._candidates = {candidate.user_id: candidate for candidate in candidates}

    def take(self, at: datetime) -> int | None:
        """The next owner, recorded as assigned at `at`; None when the team has nobody."""
        chosen = next_owner(list(self._candidates.values()))
        if chosen is None:
            return None
        self.count(chosen.user_id, at)
        return chosen.user_id

    def count(self, user_id: int, at: datetime) -> None:
        """Record an assignment made outside the rotation (a rule naming a member)."""
        found = self._candidates.get(user_id)
        if found is not None:
            last = max(found.last_assigned_at or at, at)
            self._candidates[user_id] = replace(
                found, assignments=found.assignments + 1, last_assigned_at=last
            )


@dataclass(frozen=True, slots=True)
class Route:
    """Where an MQL goes: a named owner, or a team's round-robin; `rule` says why."""

    rule: str
    owner: str | None = None
    team: str | None = None


def route(handoff: Handoff, facts: Facts, at: datetime) -> Route:
    """The first assignment rule that holds at `at`, else the hand-off team's round-robin."""
    for index, rule in enumerate(handoff.rules):
        if holds(rule.when, facts, at):
            return _rule_route(index, rule)
    return round_robin(handoff.team)


def round_robin(team: str) -> Route:
    return Route(rule=f"round_robin:{team}", team=team)


def _rule_route(index: int, rule: AssignmentRule) -> Route:
    owner = rule.owner.strip().lower() if rule.owner else None
    return Route(rule=f"handoff.rules[{index}]", owner=owner, team=rule.team)


def accepted_stage(spec: FunnelSpec, reference: str, stage: str) -> str:
    """Where accepting leads, or why a contact in `stage` cannot be accepted."""
    return _handoff_target(spec, "accept", reference, stage, spec.handoff.accepted)


def rejected_stage(spec: FunnelSpec, reference: str, stage: str) -> str:
    """Where rejecting leads (marketing's nurture stage), or why it cannot be done."""
    target = _handoff_target(spec, "reject", reference, stage, spec.handoff.rejected)
    if spec.lifecycle.stage(target).kind is not StageKind.NURTURE:
        raise MoveNotAllowed(
            f"handoff.rejected '{target}' is not a nurture stage — fix embudo.yaml"
        )
    return target


def _handoff_target(spec: FunnelSpec, verb: str, reference: str, stage: str, target: str) -> str:
    keys = {item.key for item in spec.lifecycle.stages}
    queue = spec.handoff.stage
    if queue not in keys or target not in keys:
        raise MoveNotAllowed(
            f"the funnel definition has no stage '{queue if queue not in keys else target}' "
            "for the hand-off — set handoff.stage, accepted and rejected in embudo.yaml"
        )
    if stage != queue:
        raise MoveNotAllowed(
            f"cannot {verb} contact '{reference}': it is in stage '{stage}', "
            f"and only a contact in '{queue}' is handed to sales"
        )
    return target


def rejection_reasons(spec: FunnelSpec) -> Sequence[LossReason]:
    """The workspace's reasons for rejecting an MQL, else the built-in ones."""
    return spec.rejection_reasons or DEFAULT_REJECTION_REASONS


def rejection_reason(spec: FunnelSpec, key: str) -> str:
    """`key` if it is one of the rejection reasons, else which ones there are."""
    keys = [reason.key for reason in rejection_reasons(spec)]
    if key not in keys:
        raise InvalidInput(
            f"--reason: unknown rejection reason '{key}' — one of: {', '.join(keys)} "
            "(rejection_reasons in embudo.yaml)"
        )
    return key
