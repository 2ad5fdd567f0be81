"""A funnel shaped like the seeds' (MQL = webinar registered and watched, SQL = price list
and trial), and the simulated stream read back per contact, as the engine would see it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from embudo.demo.simulator import Command, LeadCommand, Step
from embudo.domain.conditions import Occurrence
from embudo.domain.facts import ContactFacts
from embudo.domain.messages import Message as Segment
from embudo.domain.profile import GROUP_KEY
from embudo.domain.scoring import Points, engagement_points
from embudo.domain.spec import FunnelSpec

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2025, 1, 1, tzinfo=UTC)

SEED_SPEC: dict[str, Any] = {
    "name": "Seeds",
    "lifecycle": {
        "stages": [
            {"key": "visitor"},
            {"key": "lead"},
            {"key": "mql", "team": "shared", "section": "mofu"},
            {"key": "sal", "team": "shared", "section": "mofu"},
            {"key": "sql", "team": "sales", "section": "bofu"},
            {"key": "opportunity", "team": "sales", "section": "bofu"},
            {"key": "customer", "team": "sales", "section": "bofu"},
            {"key": "nurture", "kind": "nurture"},
            {"key": "disqualified", "kind": "disqualified"},
        ],
        "moves": {
            "recycle": {"from": ["mql", "sal", "sql"], "to": "nurture"},
            "disqualify": {"from": ["visitor", "lead", "mql", "nurture"], "to": "disqualified"},
        },
    },
    "events": {
        "ebook_downloaded": {},
        "blog_subscribed": {},
        "newsletter_unsubscribed": {},
        "webinar_registered": {"section": "mofu"},
        "webinar_watched": {"section": "mofu"},
        "case_study_downloaded": {"section": "mofu"},
        "price_list_downloaded": {"section": "bofu"},
        "trial_started": {"section": "bofu"},
    },
    "scoring": {
        "fit": [
            {"name": "country", "when": {"trait": "country", "in": ["ES", "IT"]}, "points": 10},
            {"name": "size", "when": {"company": "employees", "gte": 50}, "points": 15},
            {"name": "role", "when": {"trait": "job_title", "contains": "director"}, "points": 20},
        ],
        "engagement": [
            {"name": "ebook", "event": "ebook_downloaded", "points": 5, "cap": 15},
            {"name": "unsubscribed", "event": "newsletter_unsubscribed", "points": -20},
        ],
    },
    "qualification": {
        "lead": {"trait": "email", "exists": True},
        "mql": {"all": [{"event": "webinar_registered"}, {"event": "webinar_watched"}]},
        "sql": {
            "all": [
                {"event": "price_list_downloaded"},
                {"event": "trial_started", "within_days": 30},
            ]
        },
    },
    "disqualify": [
        {
            "name": "competitor",
            "when": {"trait": "email", "ends_with": "@rival.example"},
            "reason": "competitor",
        }
    ],
    "channels": [
        {"key": "organic_search", "match": {"medium": ["organic"]}},
        {"key": "paid_search", "match": {"medium": ["cpc", "ppc"]}},
        {
            "key": "paid_social",
            "match": {"source": ["linkedin", "facebook"], "medium": ["paid_social"]},
        },
        {"key": "email", "match": {"medium": ["email"]}},
        {"key": "partners", "match": {"source": ["partner_site"]}},
    ],
}


@dataclass
class Contact:
    """What one visitor did, read back from the stream: its occurrences and commands."""

    occurrences: list[Occurrence] = field(default_factory=list)
    commands: list[LeadCommand] = field(default_factory=list)
    sales: list[Command] = field(default_factory=list)
    """Every other command about the contact: answers, calls, deal steps, in time order."""
    user_id: str | None = None

    def facts(self, spec: FunnelSpec) -> ContactFacts:
        """The contact as a condition sees it, scored by the spec's engagement rules."""
        return ContactFacts({}, {}, self.occurrences, _engagement(spec, self.occurrences))


def _engagement(spec: FunnelSpec, occurrences: list[Occurrence]) -> list[Points]:
    entries: list[Points] = []
    given: dict[str, float] = defaultdict(float)
    for item in occurrences:
        for entry in engagement_points(spec.scoring, item.name, item.properties, item.at, given):
            given[entry.rule] += entry.points
            entries.append(entry)
    return entries


def occurrence(message: Segment) -> Occurrence:
    """A message as conditions see it (the engine's reading, rebuilt with domain parts)."""
    at = message.occurred_at(START)
    if message.type == "identify":
        return Occurrence("identify", at, message.traits)
    if message.type == "group":
        return Occurrence("group", at, {**message.traits, GROUP_KEY: message.group_id})
    return Occurrence(message.event_name, at, message.properties_seen)


def contacts(steps: list[Step]) -> dict[str, Contact]:
    """The stream grouped by visitor (anonymous id); commands join by user id."""
    by_visitor: dict[str, Contact] = defaultdict(Contact)
    by_user: dict[str, Contact] = {}
    for step in steps:
        if isinstance(step, LeadCommand):
            by_user[step.user_id].commands.append(step)
            continue
        if not isinstance(step, dict):
            by_user[step.user_id].sales.append(step)
            continue
        message = Segment.model_validate(step)
        assert message.anonymous_id is not None
        contact = by_visitor[message.anonymous_id]
        contact.occurrences.append(occurrence(message))
        if message.user_id is not None:
            contact.user_id = message.user_id
            by_user[message.user_id] = contact
    return dict(by_visitor)
