"""Building blocks for engine tests: a small funnel definition, Segment messages, state dumps.

A plain module (not fixtures) so each test reads as the story it tells: apply a
spec, feed messages, look at what the store says.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from embudo.engine.ingest import IngestSummary, ingest
from embudo.engine.intake import Incoming, read_line, read_payload
from embudo.engine.workspaces import apply_spec
from embudo.store.contacts import find_contact
from embudo.store.tables import (
    contacts,
    dead_letters,
    events,
    identities,
    lifecycle_transitions,
    score_ledger,
)
from embudo.store.workspaces import Workspace, open_workspace

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2024, 9, 1, 12, 0, tzinfo=UTC)
HALF_LIFE = 30.0
WORKSPACE = "default"

Message = dict[str, Any]


def at(days: float = 0.0, hours: float = 0.0, minutes: float = 0.0) -> datetime:
    """A moment `days`, `hours` and `minutes` after T0."""
    return T0 + timedelta(days=days, hours=hours, minutes=minutes)


def spec_document(**sections: Any) -> dict[str, Any]:
    """The seeds' funnel: visitor → lead → mql → sal → sql → opportunity → customer.

    Keyword arguments replace whole top-level sections (`qualification=...`).
    """
    stages = [
        {"key": key} for key in ("visitor", "lead", "mql", "sal", "sql", "opportunity", "customer")
    ]
    stages += [
        {"key": "nurture", "kind": "nurture"},
        {"key": "disqualified", "kind": "disqualified"},
    ]
    document: dict[str, Any] = {
        "name": "test funnel",
        "lifecycle": {
            "stages": stages,
            "moves": {
                "recycle": {"from": ["mql", "sal", "sql", "opportunity"], "to": "nurture"},
                "disqualify": {
                    "from": ["visitor", "lead", "mql", "sal", "sql", "nurture"],
                    "to": "disqualified",
                },
                "reopen": {"from": ["disqualified"], "to": "lead"},
            },
        },
        "events": {
            name: {}
            for name in (
                "webinar_registered",
                "webinar_watched",
                "price_list_downloaded",
                "trial_started",
                "newsletter_unsubscribed",
                "demo_requested",
            )
        },
        "scoring": {
            "half_life_days": HALF_LIFE,
            "fit": [
                {
                    "name": "target_country",
                    "when": {"trait": "country", "in": ["ES", "IT"]},
                    "points": 10,
                },
            ],
            "engagement": [
                {"name": "reading", "event": "page", "points": 2, "cap": 6},
                {"name": "webinar_signup", "event": "webinar_registered", "points": 10},
                {
                    "name": "webinar",
                    "event": "webinar_watched",
                    "points": 15,
                    "half_life_days": 10,
                },
                {"name": "pricing", "event": "price_list_downloaded", "points": 20},
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
                "when": {"trait": "email", "ends_with": "@competitor.example"},
                "reason": "competitor",
            }
        ],
    }
    document.update(copy.deepcopy(sections))
    return document


def install(
    store: Engine, document: dict[str, Any] | None = None, name: str = WORKSPACE
) -> Workspace:
    """Apply `document` (the seeds' funnel by default) to workspace `name` and open it."""
    with store.begin() as conn:
        apply_spec(conn, name, document or spec_document(), source="", now=T0)
        return open_workspace(conn, name)


def workspace(store: Engine, name: str = WORKSPACE) -> Workspace:
    with store.connect() as conn:
        return open_workspace(conn, name)


def _ids(user: str | None, anon: str | None) -> Message:
    ids: Message = {}
    if user is not None:
        ids["userId"] = user
    if anon is not None:
        ids["anonymousId"] = anon
    return ids


def track(
    mid: str,
    event: str,
    when: datetime,
    *,
    user: str | None = None,
    anon: str | None = None,
    **properties: Any,
) -> Message:
    return {
        "type": "track",
        "messageId": mid,
        "event": event,
        "timestamp": when.isoformat(),
        "properties": properties,
        **_ids(user, anon),
    }


def page(
    mid: str,
    when: datetime,
    *,
    user: str | None = None,
    anon: str | None = None,
    path: str = "/",
) -> Message:
    return {
        "type": "page",
        "messageId": mid,
        "timestamp": when.isoformat(),
        "properties": {"path": path},
        **_ids(user, anon),
    }


def identify(
    mid: str,
    when: datetime,
    *,
    user: str | None = None,
    anon: str | None = None,
    **traits: Any,
) -> Message:
    return {
        "type": "identify",
        "messageId": mid,
        "timestamp": when.isoformat(),
        "traits": traits,
        **_ids(user, anon),
    }


def group(mid: str, when: datetime, *, user: str, group_id: str, **traits: Any) -> Message:
    return {
        "type": "group",
        "messageId": mid,
        "timestamp": when.isoformat(),
        "groupId": group_id,
        "traits": traits,
        "userId": user,
    }


def alias(mid: str, when: datetime, *, user: str, previous: str) -> Message:
    return {
        "type": "alias",
        "messageId": mid,
        "timestamp": when.isoformat(),
        "userId": user,
        "previousId": previous,
    }


def as_lines(messages: Iterable[Message]) -> list[str]:
    """A JSON-lines file, one message a line."""
    return [json.dumps(message) for message in messages]


def read_lines(lines: Sequence[str], source: str = "test.jsonl") -> list[Incoming]:
    return [
        item
        for number, line in enumerate(lines, start=1)
        for item in read_line(f"{source}:{number}", line)
    ]


def feed(
    store: Engine,
    messages: Iterable[Message],
    *,
    now: datetime = NOW,
    batch_size: int = 1000,
    name: str = WORKSPACE,
) -> IngestSummary:
    """Ingest decoded messages, the way the HTTP intake hands them over."""
    incoming = [read_payload(f"test[{index}]", message) for index, message in enumerate(messages)]
    return ingest(store, name, incoming, now=now, batch_size=batch_size)


def contact_id(store: Engine, reference: str, name: str = WORKSPACE) -> int:
    """The live contact a user id, anonymous id or email leads to."""
    with store.connect() as conn:
        return find_contact(conn, workspace(store, name).id, reference)


def contact(store: Engine, reference: str, name: str = WORKSPACE) -> Any:
    cid = contact_id(store, reference, name)
    with store.connect() as conn:
        return conn.execute(select(contacts).where(contacts.c.id == cid)).one()


def moves_of(store: Engine, cid: int) -> list[tuple[str | None, str, datetime]]:
    """(from, to, occurred_at) of a contact's transitions, in the order they happened."""
    return [(row.from_stage, row.to_stage, row.occurred_at) for row in transition_rows(store, cid)]


def transition_rows(store: Engine, cid: int) -> list[Any]:
    t = lifecycle_transitions
    with store.connect() as conn:
        return list(
            conn.execute(
                select(t).where(t.c.contact_id == cid).order_by(t.c.occurred_at, t.c.id)
            ).all()
        )


def ledger_rows(store: Engine, cid: int) -> list[Any]:
    with store.connect() as conn:
        return list(
            conn.execute(
                select(score_ledger)
                .where(score_ledger.c.contact_id == cid)
                .order_by(score_ledger.c.occurred_at, score_ledger.c.id)
            ).all()
        )


def live_contacts(store: Engine, name: str = WORKSPACE) -> list[Any]:
    ws = workspace(store, name)
    with store.connect() as conn:
        return list(
            conn.execute(
                select(contacts).where(
                    contacts.c.workspace_id == ws.id, contacts.c.merged_into_id.is_(None)
                )
            ).all()
        )


def dead_letter_rows(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(dead_letters).order_by(dead_letters.c.id)).all())


_VOLATILE = {"id", "recorded_at", "received_at", "created_at"}


def dump(store: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the derived and history tables, without auto ids and bookkeeping times."""
    tables = (contacts, identities, events, score_ledger, lifecycle_transitions)
    with store.connect() as conn:
        return {
            table.name: sorted(
                (
                    tuple(
                        (key, _plain(value))
                        for key, value in row._mapping.items()
                        if key not in _VOLATILE
                    )
                    for row in conn.execute(select(table))
                ),
                key=repr,
            )
            for table in tables
        }


def _plain(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def contact_state(store: Engine, name: str = WORKSPACE) -> dict[str, dict[str, Any]]:
    """Each live contact, keyed by its user id (else email, else anonymous id), as left.

    Comparable across workspaces: no row ids, only what a contact is and did.
    """
    ws = workspace(store, name)
    with store.connect() as conn:
        keys = _contact_keys(conn, ws.id)
        state: dict[str, dict[str, Any]] = {}
        for row in conn.execute(
            select(contacts).where(
                contacts.c.workspace_id == ws.id, contacts.c.merged_into_id.is_(None)
            )
        ):
            state[keys[row.id]] = {
                "stage": row.stage,
                "score": row.score,
                "fit_score": row.fit_score,
                "engagement_score": row.engagement_score,
                "traits": row.traits,
                "moves": {
                    (t.from_stage, t.to_stage)
                    for t in conn.execute(
                        select(lifecycle_transitions).where(
                            lifecycle_transitions.c.contact_id == row.id
                        )
                    )
                },
                "events": set(
                    conn.scalars(select(events.c.message_id).where(events.c.contact_id == row.id))
                ),
            }
    return state


def _contact_keys(conn: Any, workspace_id: int) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = conn.execute(
        select(identities.c.contact_id, identities.c.kind, identities.c.value)
        .where(identities.c.workspace_id == workspace_id)
        .order_by(identities.c.kind.desc(), identities.c.value)
    )
    for cid, _kind, value in rows:
        found.setdefault(cid, value)
    return found
