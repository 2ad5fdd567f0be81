"""Small builders shared by the domain tests: a seeds-like funnel, moments, facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from embudo.domain.conditions import Condition, Occurrence
from embudo.domain.facts import ContactFacts
from embudo.domain.scoring import Points
from embudo.domain.spec import FunnelSpec

T0 = datetime(2024, 3, 1, tzinfo=UTC)
CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)

STAGES = [
    {"key": "visitor"},
    {"key": "lead"},
    {"key": "mql", "team": "shared", "section": "mofu"},
    {"key": "sal", "team": "sales", "section": "mofu"},
    {"key": "sql", "team": "sales", "section": "bofu"},
    {"key": "opportunity", "team": "sales", "section": "bofu"},
    {"key": "customer", "team": "shared", "section": "bofu"},
    {"key": "nurture", "kind": "nurture", "section": "mofu"},
    {"key": "disqualified", "kind": "disqualified"},
]
MOVES = {
    "recycle": {"from": ["mql", "sal", "sql", "opportunity"], "to": "nurture"},
    "disqualify": {
        "from": ["visitor", "lead", "mql", "sal", "sql", "nurture"],
        "to": "disqualified",
    },
    "reopen": {"from": ["disqualified"], "to": "lead"},
}
QUALIFICATION = {
    "lead": {"trait": "email", "exists": True},
    "mql": {"all": [{"event": "webinar_registered"}, {"event": "webinar_watched"}]},
    "sql": {"all": [{"event": "price_list_downloaded"}, {"event": "trial_started"}]},
}
DISQUALIFY = [
    {
        "name": "competitor",
        "when": {"trait": "email", "ends_with": "@competitor.example"},
        "reason": "competitor",
    }
]


def day(days: float, hours: float = 0) -> datetime:
    """A moment `days` (and `hours`) after T0."""
    return T0 + timedelta(days=days, hours=hours)


def spec(moves: dict[str, Any] | None = None, **sections: Any) -> FunnelSpec:
    """The seeds-like funnel; `moves` replaces the lifecycle moves, `sections` the rest."""
    lifecycle = {"stages": STAGES, "moves": MOVES if moves is None else moves}
    data = {"lifecycle": lifecycle, "qualification": QUALIFICATION, "disqualify": DISQUALIFY}
    return FunnelSpec.model_validate({**data, **sections})


def condition(data: Any) -> Condition:
    return CONDITION.validate_python(data)


def occurrence(name: str, at: datetime, /, **properties: Any) -> Occurrence:
    return Occurrence(name, at, properties)


def facts(
    *occurrences: Occurrence,
    traits: dict[str, Any] | None = None,
    company: dict[str, Any] | None = None,
    entries: list[Points] | None = None,
) -> ContactFacts:
    """Facts over `occurrences` (given oldest first), with current traits and company."""
    return ContactFacts(traits or {}, company or {}, list(occurrences), entries or [])
