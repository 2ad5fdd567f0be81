"""Reading a contact's history back: its events, score entries and last backward move.

What the engine decides is always decided from history, never from the
caches on `contacts`, so a batch applied twice, late or out of order ends in
the same state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from embudo.domain.conditions import Occurrence
from embudo.domain.facts import ContactFacts
from embudo.domain.lifecycle import BACKWARD
from embudo.domain.scoring import Points, ScoreKind
from embudo.store.tables import (
    companies,
    contacts,
    events,
    lifecycle_transitions,
    score_ledger,
)


@dataclass(slots=True)
class Recorded:
    """One stored event as the engine needs it."""

    id: int
    occurrence: Occurrence
    channel_id: int | None
    campaign_id: int | None


@dataclass(slots=True)
class ContactHistory:
    """Everything the engine reads about one contact before deciding."""

    id: int
    stage: str
    stage_at: datetime
    company_id: int | None
    since: datetime | None
    recorded: list[Recorded] = field(default_factory=list)
    entries: list[Points] = field(default_factory=list)
    company: dict[str, Any] = field(default_factory=dict)

    def facts(self, traits: dict[str, Any]) -> ContactFacts:
        occurrences = [item.occurrence for item in self.recorded]
        return ContactFacts(traits, self.company, occurrences, self.entries)

    def given(self, kind: ScoreKind) -> dict[str, float]:
        """Raw points each rule of `kind` has given so far (for caps and fit corrections)."""
        sums: dict[str, float] = defaultdict(float)
        for entry in self.entries:
            if entry.kind is kind:
                sums[entry.rule] += entry.points
        return sums


def load(conn: Connection, workspace_id: int, ids: Collection[int]) -> dict[int, ContactHistory]:
    """The history of each contact in `ids`, locking their rows where the database can."""
    histories = _contacts(conn, ids)
    for contact_id, recorded in _events(conn, ids).items():
        histories[contact_id].recorded = recorded
    for contact_id, entries in _entries(conn, ids).items():
        histories[contact_id].entries = entries
    for contact_id, since in _backward_moves(conn, ids).items():
        histories[contact_id].since = since
    return histories


def _contacts(conn: Connection, ids: Collection[int]) -> dict[int, ContactHistory]:
    query = select(
        contacts.c.id, contacts.c.stage, contacts.c.stage_at, contacts.c.company_id
    ).where(contacts.c.id.in_(ids))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return {
        row.id: ContactHistory(row.id, row.stage, row.stage_at, row.company_id, None)
        for row in conn.execute(query)
    }


def _events(conn: Connection, ids: Collection[int]) -> dict[int, list[Recorded]]:
    rows = conn.execute(
        select(
            events.c.id,
            events.c.contact_id,
            events.c.name,
            events.c.occurred_at,
            events.c.properties,
            events.c.channel_id,
            events.c.campaign_id,
        )
        .where(events.c.contact_id.in_(ids))
        .order_by(events.c.occurred_at, events.c.id)
    )
    recorded: dict[int, list[Recorded]] = defaultdict(list)
    for row in rows:
        occurrence = Occurrence(row.name, row.occurred_at, row.properties)
        recorded[row.contact_id].append(
            Recorded(row.id, occurrence, row.channel_id, row.campaign_id)
        )
    return recorded


def _entries(conn: Connection, ids: Collection[int]) -> dict[int, list[Points]]:
    rows = conn.execute(
        select(
            score_ledger.c.contact_id,
            score_ledger.c.kind,
            score_ledger.c.rule,
            score_ledger.c.points,
            score_ledger.c.occurred_at,
            score_ledger.c.half_life_days,
        ).where(score_ledger.c.contact_id.in_(ids))
    )
    entries: dict[int, list[Points]] = defaultdict(list)
    for row in rows:
        entry = Points(
            ScoreKind(row.kind), row.rule, row.points, row.occurred_at, row.half_life_days
        )
        entries[row.contact_id].append(entry)
    return entries


def _backward_moves(conn: Connection, ids: Collection[int]) -> dict[int, datetime]:
    rows = conn.execute(
        select(lifecycle_transitions.c.contact_id, func.max(lifecycle_transitions.c.occurred_at))
        .where(
            lifecycle_transitions.c.contact_id.in_(ids),
            lifecycle_transitions.c.move.in_([move.value for move in BACKWARD]),
        )
        .group_by(lifecycle_transitions.c.contact_id)
    )
    return dict(rows.all())


def company_traits(conn: Connection, ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Current traits of each company in `ids`."""
    rows = conn.execute(select(companies.c.id, companies.c.traits).where(companies.c.id.in_(ids)))
    return dict(rows.all())
