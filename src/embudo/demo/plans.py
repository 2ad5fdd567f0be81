"""What a contact must do to meet a condition: the condition tree read as a to-do list.

`all` asks for every part, `any` for one part chosen at random (so contacts take
different paths to the same stage), `not` for nothing (the simulator simply
does not do it on purpose), an event for `times` occurrences whose properties
satisfy `where`. Trait comparisons become traits to set; company and score
comparisons are left to chance, since the company is shared by several contacts
and the score follows from the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Any

from embudo.demo.persona import value_for
from embudo.domain.conditions import (
    AllOf,
    AnyOf,
    CompanyIs,
    Comparison,
    Condition,
    EventSeen,
    NotThis,
    PropertyIs,
    ScoreIs,
    TraitIs,
    matches,
)


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """One track event to send, with properties that pass the condition's `where`."""

    name: str
    properties: dict[str, Any]


@dataclass(slots=True)
class Plan:
    """Events (in the order the condition lists them) and traits that meet a condition."""

    events: list[PlannedEvent] = field(default_factory=list)
    traits: list[TraitIs] = field(default_factory=list)
    window_days: float | None = None
    """The tightest `within_days`: all events must fall inside it to count together."""
    score: float = 0.0
    """The highest score threshold met on the way: engagement must earn at least this."""

    def partial(self) -> Plan:
        """The plan without its last event: engagement that stops one step short."""
        return Plan(self.events[:-1], self.traits, self.window_days, self.score)


def plan_for(condition: Condition, rng: Random) -> Plan:
    """A fresh plan that meets `condition`, choosing among `any` branches with `rng`."""
    plan = Plan()
    _walk(condition, rng, plan)
    return plan


def _walk(condition: Condition, rng: Random, plan: Plan) -> None:
    match condition:
        case AllOf(all=parts):
            for part in parts:
                _walk(part, rng, plan)
        case AnyOf(any=parts):
            _walk(rng.choice(parts), rng, plan)
        case EventSeen():
            _add_event(condition, rng, plan)
        case TraitIs():
            plan.traits.append(condition)
        case ScoreIs():
            plan.score = max(plan.score, _threshold(condition))


def _threshold(condition: ScoreIs) -> float:
    """The score a `gte`/`gt`/`eq` comparison asks for; none for an upper bound or fit,
    which events cannot raise."""
    operator, expected = condition.operators()[0]
    asks = condition.score != "fit" and operator in ("gte", "gt", "eq")
    return float(expected) if asks else 0.0


def _add_event(condition: EventSeen, rng: Random, plan: Plan) -> None:
    for _ in range(condition.times):
        properties = properties_for(condition.where, rng)
        plan.events.append(PlannedEvent(condition.event, properties))
    if condition.within_days is not None:
        current = plan.window_days or condition.within_days
        plan.window_days = min(current, condition.within_days)


def properties_for(where: list[PropertyIs], rng: Random) -> dict[str, Any]:
    """Properties passing every `where` test, even two tests on one property when they can."""
    properties: dict[str, Any] = {}
    for test in where:
        candidate = {**properties, test.property: value_for(test, meets=True, rng=rng)}
        same = [other for other in where if other.property == test.property]
        if test.property not in properties or matches(same, candidate):
            properties = candidate
    return {name: value for name, value in properties.items() if value is not None}


def trait_tests(condition: Condition) -> Iterator[TraitIs]:
    """Trait comparisons that make `condition` hold, in every branch, outside any `not`."""
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            for part in parts:
                yield from trait_tests(part)
        case TraitIs():
            yield condition


def comparisons(condition: Condition) -> Iterator[TraitIs | CompanyIs]:
    """Every trait and company comparison in a condition, at any depth."""
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            for part in parts:
                yield from comparisons(part)
        case NotThis(not_=part):
            yield from comparisons(part)
        case TraitIs() | CompanyIs():
            yield condition


def by_name(
    found: list[TraitIs | CompanyIs], kind: type[Comparison]
) -> dict[str, tuple[Comparison, ...]]:
    """Comparisons of one kind, grouped by the trait (or company field) they look at."""
    grouped: dict[str, list[Comparison]] = {}
    for comparison in found:
        if isinstance(comparison, kind):
            name = comparison.trait if isinstance(comparison, TraitIs) else comparison.company
            grouped.setdefault(name, []).append(comparison)
    return {name: tuple(items) for name, items in grouped.items()}
