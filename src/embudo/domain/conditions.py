"""Qualification and scoring conditions: data, never evaluated strings.

A condition is one of
- `all: [...]`, `any: [...]`, `not: {...}`;
- `event: NAME` seen at least `times` times, optionally `within_days` of the
  moment evaluated and `where` its properties match;
- `trait: NAME` or `company: NAME` compared with exactly one operator;
- `score: total|fit|engagement` compared with a number.

Conditions are evaluated at a moment `at` over `Facts`: only what had happened
by then counts, which is what makes late and out-of-order messages qualify a
contact at the time things really happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Scalar = str | int | float | bool
OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "exists",
    "contains",
    "starts_with",
    "ends_with",
)


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_ORDERED_FIELDS = ("eq", "ne", "in_", "not_in", "gt", "gte", "lt", "lte")


class Comparison(_Closed):
    """Exactly one operator, compared against a value found by name."""

    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    exists: bool | None = None
    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Comparison:
        if len(self.operators()) != 1:
            raise ValueError(f"give exactly one operator of: {', '.join(OPERATORS)}")
        return self

    def operators(self) -> list[tuple[str, Any]]:
        fields = (*_ORDERED_FIELDS, "exists", "contains", "starts_with", "ends_with")
        return [
            (name.rstrip("_"), getattr(self, name))
            for name in fields
            if getattr(self, name) is not None
        ]

    @cached_property
    def _operator(self) -> tuple[str, Any]:
        """The one operator and its value, found once: the comparison is frozen, and the
        engine tests it for every contact of every batch."""
        return self.operators()[0]

    def holds(self, value: Any) -> bool:
        operator, expected = self._operator
        if operator == "exists":
            return (value not in (None, "")) is expected
        return value is not None and _COMPARE[operator](value, expected)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ordered(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def compare(value: Any, expected: Any) -> bool:
        number = _number(value)
        return number is not None and test(number, float(expected))

    return compare


def _same(value: Any, expected: Any) -> bool:
    if isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    return bool(value == expected)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _same,
    "ne": lambda value, expected: not _same(value, expected),
    "in": lambda value, expected: any(_same(value, item) for item in expected),
    "not_in": lambda value, expected: not any(_same(value, item) for item in expected),
    "gt": _ordered(lambda a, b: a > b),
    "gte": _ordered(lambda a, b: a >= b),
    "lt": _ordered(lambda a, b: a < b),
    "lte": _ordered(lambda a, b: a <= b),
    "contains": lambda value, expected: str(expected).casefold() in str(value).casefold(),
    "starts_with": lambda value, expected: str(value).casefold().startswith(expected.casefold()),
    "ends_with": lambda value, expected: str(value).casefold().endswith(expected.casefold()),
}


class _Condition(_Closed):
    """What every condition can say about itself without facts, worked out on first use.

    A condition is frozen, so what it refers to never changes; the engine asks
    for every contact of every batch, hence the caching.
    """

    @cached_property
    def named_events(self) -> frozenset[str]:
        """Every event name the condition refers to (see `event_names`)."""
        return frozenset(event_names(_as_condition(self)))

    @cached_property
    def needed_events(self) -> frozenset[str]:
        """Events without which the condition cannot hold (see `needed_events`)."""
        return frozenset(needed_events(_as_condition(self)))

    @cached_property
    def looks_at_score(self) -> bool:
        """Whether the condition compares a score anywhere (see `uses_score`)."""
        return uses_score(_as_condition(self))


class TraitIs(Comparison, _Condition):
    trait: str


class CompanyIs(Comparison, _Condition):
    company: str


class PropertyIs(Comparison):
    property: str


class ScoreIs(Comparison, _Condition):
    score: Literal["total", "fit", "engagement"]


class EventSeen(_Condition):
    event: str
    times: int = Field(default=1, ge=1)
    within_days: float | None = Field(default=None, gt=0)
    where: list[PropertyIs] = Field(default_factory=list)


class AllOf(_Condition):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Condition):
    any: list[Condition] = Field(min_length=1)


class NotThis(_Condition):
    not_: Condition = Field(alias="not")


_CONDITION_KEYS = {
    "all": "all",
    "any": "any",
    "not": "not",
    "not_": "not",
    "event": "event",
    "trait": "trait",
    "company": "company",
    "score": "score",
}


def keys_of(value: Any) -> Iterable[str]:
    """The keys a union member is told apart by: a mapping's, or a parsed model's fields.

    Anything else (a string where a mapping belongs) has none, so pydantic
    reports it as matching no member instead of crashing on it.
    """
    if isinstance(value, dict):
        return value.keys()
    if isinstance(value, BaseModel):
        return type(value).model_fields.keys()
    return ()


def _condition_tag(value: Any) -> str | None:
    return next((_CONDITION_KEYS[key] for key in keys_of(value) if key in _CONDITION_KEYS), None)


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotThis, Tag("not")]
    | Annotated[EventSeen, Tag("event")]
    | Annotated[TraitIs, Tag("trait")]
    | Annotated[CompanyIs, Tag("company")]
    | Annotated[ScoreIs, Tag("score")],
    Discriminator(
        _condition_tag,
        custom_error_type="unknown_condition",
        custom_error_message="a condition starts with one of: all, any, not, event, trait, "
        "company, score",
    ),
]


def _as_condition(value: _Condition) -> Condition:
    """`value` as the union it belongs to: every `_Condition` subclass is a member."""
    assert isinstance(value, AllOf | AnyOf | NotThis | EventSeen | TraitIs | CompanyIs | ScoreIs)
    return value


AllOf.model_rebuild()
AnyOf.model_rebuild()
NotThis.model_rebuild()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One thing a contact did: an event name, when, and its properties."""

    name: str
    at: datetime
    properties: Mapping[str, Any]


class Facts(Protocol):
    """What a condition may look at about one contact, as it stood at a moment."""

    @property
    def occurrences(self) -> Sequence[Occurrence]: ...

    def trait(self, name: str, at: datetime) -> Any: ...

    def company_trait(self, name: str, at: datetime) -> Any: ...

    def score(self, kind: str, at: datetime) -> float: ...

    def score_moments(self) -> Sequence[datetime]: ...

    def named(self, name: str) -> Sequence[Occurrence]: ...


def holds(condition: Condition, facts: Facts, at: datetime, since: datetime | None = None) -> bool:
    """Whether `condition` is true of `facts` at `at`, counting events from `since` on."""
    match condition:
        case AllOf(all=parts):
            return all(holds(part, facts, at, since) for part in parts)
        case AnyOf(any=parts):
            return any(holds(part, facts, at, since) for part in parts)
        case NotThis(not_=part):
            return not holds(part, facts, at, since)
        case EventSeen():
            return _seen(condition, facts.named(condition.event), at, since)
        case TraitIs(trait=name):
            return condition.holds(facts.trait(name, at))
        case CompanyIs(company=name):
            return condition.holds(facts.company_trait(name, at))
        case ScoreIs(score=kind):
            return condition.holds(facts.score(kind, at))
    raise TypeError(f"not a condition: {condition!r}")


def matches(where: Sequence[PropertyIs], properties: Mapping[str, Any]) -> bool:
    """Whether an event's properties satisfy every `where` comparison."""
    return all(test.holds(properties.get(test.property)) for test in where)


def _seen(
    condition: EventSeen, occurrences: Sequence[Occurrence], at: datetime, since: datetime | None
) -> bool:
    """Whether the event (`occurrences` are those of its name) was seen often enough by `at`."""
    start = since
    if condition.within_days is not None:
        window = at - timedelta(days=condition.within_days)
        start = window if start is None else max(start, window)
    count = sum(
        1
        for occurrence in occurrences
        if occurrence.at <= at
        and (start is None or occurrence.at >= start)
        and matches(condition.where, occurrence.properties)
    )
    return count >= condition.times


def event_names(condition: Condition) -> set[str]:
    """Every event name a condition refers to."""
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            return set().union(*(event_names(part) for part in parts))
        case NotThis(not_=part):
            return event_names(part)
        case EventSeen(event=name):
            return {name}
    return set()


def needed_events(condition: Condition) -> set[str]:
    """Events the condition cannot hold without: each must have happened (since the
    moment events count from) for it to hold at any moment.

    An `event` needs its own (it is seen at least once); `all` needs what
    any of its parts needs; `any` only what every part needs; `not`, traits
    and scores need none.
    """
    match condition:
        case AllOf(all=parts):
            return set().union(*(needed_events(part) for part in parts))
        case AnyOf(any=parts):
            return set.intersection(*(needed_events(part) for part in parts))
        case EventSeen(event=name):
            return {name}
    return set()


def uses_score(condition: Condition) -> bool:
    """Whether the condition compares a score anywhere in it."""
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            return any(uses_score(part) for part in parts)
        case NotThis(not_=part):
            return uses_score(part)
        case ScoreIs():
            return True
    return False
