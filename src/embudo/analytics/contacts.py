"""Contacts as people read them: a filtered list, and one contact explained.

The explanation is the product's promise that scores and stages can be
explained: each rule's points as given and as worth now after decay, and every
lifecycle move with what caused it (rule and funnel-definition version, event,
or person).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.scoring import Points, ScoreKind
from embudo.store.contacts import find_contact
from embudo.store.tables import (
    channels,
    contacts,
    events,
    lifecycle_transitions,
    score_ledger,
    spec_versions,
)


@dataclass(frozen=True, slots=True)
class ContactFilter:
    stage: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    channel: str | None = None
    limit: int = 50


def list_contacts(
    conn: Connection, workspace_id: int, wanted: ContactFilter
) -> list[dict[str, Any]]:
    """Live (not merged) contacts matching the filter, highest score first."""
    query = (
        select(
            contacts.c.id,
            contacts.c.email,
            contacts.c.stage,
            contacts.c.score,
            contacts.c.fit_score,
            contacts.c.engagement_score,
            channels.c.key.label("channel"),
            contacts.c.last_seen_at,
        )
        .outerjoin(channels, channels.c.id == contacts.c.channel_id)
        .where(contacts.c.workspace_id == workspace_id, contacts.c.merged_into_id.is_(None))
        .order_by(contacts.c.score.desc(), contacts.c.id)
        .limit(wanted.limit)
    )
    if wanted.stage is not None:
        query = query.where(contacts.c.stage == wanted.stage)
    if wanted.min_score is not None:
        query = query.where(contacts.c.score >= wanted.min_score)
    if wanted.max_score is not None:
        query = query.where(contacts.c.score <= wanted.max_score)
    if wanted.channel is not None:
        query = query.where(channels.c.key == wanted.channel)
    return [dict(row._mapping) for row in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class RuleScore:
    kind: str
    rule: str
    entries: int
    points: float
    worth_now: float


@dataclass(frozen=True, slots=True)
class Explanation:
    contact: Any
    rules: list[RuleScore]
    transitions: Sequence[Any]


def explain(conn: Connection, workspace_id: int, reference: str, now: datetime) -> Explanation:
    """Why a contact has its score and stage."""
    contact_id = find_contact(conn, workspace_id, reference)
    contact = conn.execute(select(contacts).where(contacts.c.id == contact_id)).one()
    return Explanation(contact, _rules(conn, contact_id, now), _transitions(conn, contact_id))


def _rules(conn: Connection, contact_id: int, now: datetime) -> list[RuleScore]:
    rows = conn.execute(select(score_ledger).where(score_ledger.c.contact_id == contact_id))
    grouped: dict[tuple[str, str], list[Points]] = defaultdict(list)
    for row in rows:
        kind = ScoreKind(row.kind)
        entry = Points(kind, row.rule, row.points, row.occurred_at, row.half_life_days)
        grouped[(row.kind, row.rule)].append(entry)
    return [
        RuleScore(
            kind,
            rule,
            len(entries),
            sum(entry.points for entry in entries),
            sum(entry.worth(now) for entry in entries),
        )
        for (kind, rule), entries in sorted(grouped.items())
    ]


def _transitions(conn: Connection, contact_id: int) -> Sequence[Any]:
    return conn.execute(
        select(
            lifecycle_transitions.c.occurred_at,
            lifecycle_transitions.c.from_stage,
            lifecycle_transitions.c.to_stage,
            lifecycle_transitions.c.move,
            lifecycle_transitions.c.cause,
            lifecycle_transitions.c.rule,
            spec_versions.c.version.label("spec_version"),
            events.c.name.label("event"),
            lifecycle_transitions.c.actor,
            lifecycle_transitions.c.reason,
        )
        .outerjoin(spec_versions, spec_versions.c.id == lifecycle_transitions.c.spec_version_id)
        .outerjoin(events, events.c.id == lifecycle_transitions.c.event_id)
        .where(lifecycle_transitions.c.contact_id == contact_id)
        .order_by(lifecycle_transitions.c.occurred_at, lifecycle_transitions.c.id)
    ).all()
