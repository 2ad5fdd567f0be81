"""Reading a contact's history back: its events, score entries and last backward move.

What the engine decides is always decided from history, never from the
caches on `contacts`, so a batch applied twice, late or out of order ends in
the same state.

Reading all of every touched contact's history on every batch is what would
make ingestion slow, so how much is read depends on what the new events can
change. The new events themselves are never read back: the engine has them
from the batch it stored. A contact whose new events all came after
everything known about it (the common case) is read *lean*: only the events
that can change its stage or profile (`watched`); score entries only when a
condition looks at a score, else just each rule's sum (for caps and fit
corrections). When none of its new events is watched (and no condition looks
at scores) nothing it did can change its stage or profile, so no older
event is read at all: it is *quiet*. A contact just created, just merged, or
receiving a late event is read in *full*.

The first touch is exact without reading old campaign events: the cached
`campaign_id` is the contact's first campaign touch, so when it is set a lean
contact keeps it, and when it is not the contact has no older campaign touch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    case,
    func,
    null,
    or_,
    select,
    type_coerce,
)

from embudo.domain.conditions import Occurrence
from embudo.domain.facts import ContactFacts
from embudo.domain.lifecycle import BACKWARD
from embudo.domain.scoring import Points, ScoreKind
from embudo.domain.spec import EngagementRule
from embudo.store.sets import among
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
    first_seen_at: datetime
    last_seen_at: datetime
    channel_id: int | None
    campaign_id: int | None
    full: bool = False
    quiet: bool = False
    """Only the new events were read: nothing new can change its stage or profile."""
    recorded: list[Recorded] = field(default_factory=list)
    entries: list[Points] = field(default_factory=list)
    sums: dict[tuple[ScoreKind, str], float] = field(default_factory=dict)
    company: dict[str, Any] = field(default_factory=dict)

    def facts(self, traits: dict[str, Any]) -> ContactFacts:
        occurrences = [item.occurrence for item in self.recorded]
        return ContactFacts(traits, self.company, occurrences, self.entries)

    def given(self, kind: ScoreKind) -> dict[str, float]:
        """Raw points each rule of `kind` has given so far (for caps and fit corrections)."""
        return {rule: points for (of, rule), points in self.sums.items() if of is kind}


@dataclass(frozen=True, slots=True)
class Reading:
    """What to read back for a batch: which contacts, which of their events."""

    ids: Collection[int]
    fresh: Mapping[int, Sequence[Recorded]]
    """Each contact's new events, oldest first, as stored by this batch."""
    whole: Collection[int]
    """Contacts to read in full whatever else (created or merged in this batch)."""
    watched: Collection[str]
    described: Collection[str]
    """Events whose properties are read back when read lean (the rest count by name and time)."""
    with_entries: bool
    """Whether conditions look at scores, so every entry must be read."""
    capped: Collection[EngagementRule]
    """Engagement rules with a cap: their sums (and every fit rule's) are read for
    the contacts with a new event they count or a new trait message."""


def load(conn: Connection, reading: Reading) -> dict[int, ContactHistory]:
    """The history of each contact, read in full, lean or quiet, its row locked where possible."""
    histories = _contacts(conn, reading.ids)
    for history in histories.values():
        _choose_depth(history, reading)
    full = [h.id for h in histories.values() if h.full]
    lean = [h.id for h in histories.values() if not (h.full or h.quiet)]
    read = _events(conn, full, lean, reading)
    for history in histories.values():
        history.recorded = _with_fresh(read.get(history.id, []), reading.fresh.get(history.id, ()))
    wanted = full + lean if reading.with_entries else full
    for contact_id, entries in _entries(conn, wanted).items():
        histories[contact_id].entries = entries
    for (contact_id, kind, rule), points in _sums(conn, reading).items():
        histories[contact_id].sums[(kind, rule)] = points
    for contact_id, since in _backward_moves(conn, full + lean).items():
        histories[contact_id].since = since
    return histories


def _choose_depth(history: ContactHistory, reading: Reading) -> None:
    """Full when created, merged or late; else quiet when no new event is watched."""
    fresh = reading.fresh.get(history.id, ())
    late = bool(fresh) and fresh[0].occurrence.at < history.last_seen_at
    history.full = history.id in reading.whole or late
    history.quiet = not (
        history.full
        or reading.with_entries
        or any(item.occurrence.name in reading.watched for item in fresh)
    )


def _with_fresh(read: list[Recorded], fresh: Sequence[Recorded]) -> list[Recorded]:
    """The events read back plus the new ones not among them, in time order."""
    known = {item.id for item in read}
    merged = read + [item for item in fresh if item.id not in known]
    merged.sort(key=lambda item: (item.occurrence.at, item.id))
    return merged


def _contacts(conn: Connection, ids: Collection[int]) -> dict[int, ContactHistory]:
    query = select(
        contacts.c.id,
        contacts.c.stage,
        contacts.c.stage_at,
        contacts.c.company_id,
        contacts.c.first_seen_at,
        contacts.c.last_seen_at,
        contacts.c.channel_id,
        contacts.c.campaign_id,
    ).where(among(conn, contacts.c.id, ids))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    found = {}
    rows = conn.execute(query).all()
    for cid, stage, stage_at, company, first, last, channel, campaign in rows:
        found[cid] = ContactHistory(
            cid, stage, stage_at, company, None, first, last, channel, campaign
        )
    return found


def _events(
    conn: Connection, full: list[int], lean: list[int], reading: Reading
) -> dict[int, list[Recorded]]:
    """Every event of the contacts read in full; the watched ones of those read lean.

    Unordered: `_with_fresh` puts each contact's events in time order.
    """
    recorded: dict[int, list[Recorded]] = defaultdict(list)
    queries = []
    if full:
        queries.append(
            _event_rows(events.c.properties).where(among(conn, events.c.contact_id, full))
        )
    if lean:
        described = events.c.name.in_(reading.described)
        properties = case((described, events.c.properties), else_=null())
        queries.append(
            _event_rows(type_coerce(properties, events.c.properties.type)).where(
                among(conn, events.c.contact_id, lean), events.c.name.in_(reading.watched)
            )
        )
    for query in queries:
        rows = conn.execute(query).all()
        for event_id, contact_id, name, at, properties, channel, campaign in rows:
            occurrence = Occurrence(name, at, properties or {})
            recorded[contact_id].append(Recorded(event_id, occurrence, channel, campaign))
    return recorded


def _event_rows(properties: ColumnElement[Any]) -> Select[Any]:
    return select(
        events.c.id,
        events.c.contact_id,
        events.c.name,
        events.c.occurred_at,
        properties.label("properties"),
        events.c.channel_id,
        events.c.campaign_id,
    )


def _entries(conn: Connection, ids: Collection[int]) -> dict[int, list[Points]]:
    rows = conn.execute(
        select(
            score_ledger.c.contact_id,
            score_ledger.c.kind,
            score_ledger.c.rule,
            score_ledger.c.points,
            score_ledger.c.occurred_at,
            score_ledger.c.half_life_days,
        ).where(among(conn, score_ledger.c.contact_id, ids))
    ).all()
    entries: dict[int, list[Points]] = defaultdict(list)
    for row in rows:
        entry = Points(
            ScoreKind(row.kind), row.rule, row.points, row.occurred_at, row.half_life_days
        )
        entries[row.contact_id].append(entry)
    return entries


def _sums(conn: Connection, reading: Reading) -> dict[tuple[int, ScoreKind, str], float]:
    """Raw points each capped engagement rule and each fit rule has given each contact
    that needs them: caps limit what a new event earns, fit corrects on new traits."""
    counted = {rule.event for rule in reading.capped} | {"identify", "group"}
    ids = [
        contact_id
        for contact_id, fresh in reading.fresh.items()
        if any(item.occurrence.name in counted for item in fresh)
    ]
    if not ids:
        return {}
    ledger = score_ledger.c
    rules = [rule.name for rule in reading.capped]
    rows = conn.execute(
        select(ledger.contact_id, ledger.kind, ledger.rule, func.sum(ledger.points))
        .where(
            among(conn, ledger.contact_id, ids),
            or_(ledger.kind == ScoreKind.FIT.value, ledger.rule.in_(rules)),
        )
        .group_by(ledger.contact_id, ledger.kind, ledger.rule)
    )
    return {(cid, ScoreKind(kind), rule): float(points) for cid, kind, rule, points in rows}


def _backward_moves(conn: Connection, ids: Collection[int]) -> dict[int, datetime]:
    rows = conn.execute(
        select(lifecycle_transitions.c.contact_id, func.max(lifecycle_transitions.c.occurred_at))
        .where(
            among(conn, lifecycle_transitions.c.contact_id, ids),
            lifecycle_transitions.c.move.in_([move.value for move in BACKWARD]),
        )
        .group_by(lifecycle_transitions.c.contact_id)
    )
    return dict(rows.all())


def company_traits(conn: Connection, ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Current traits of each company in `ids`."""
    rows = conn.execute(
        select(companies.c.id, companies.c.traits).where(among(conn, companies.c.id, ids))
    )
    return dict(rows.all())
