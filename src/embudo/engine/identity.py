"""Identity stitching: which contact a message is about.

A contact is known by identities — anonymous ids, user ids and emails. A
message naming identities of no contact creates one; a message naming
identities of two contacts (an anonymous visitor who identifies as a known
user, or an `alias`) merges them: the older contact absorbs the other, whose
events, score entries, identities, list memberships, tasks and deals move to it, and the
absorbed contact keeps its own transitions and is marked `merged_into`.

New contacts are numbered provisionally (negative) while a batch is resolved
and inserted together at the end, so a batch costs a few statements, not one
per message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from embudo.domain.messages import Message
from embudo.store.bulk import insert_rows
from embudo.store.sets import among
from embudo.store.tables import (
    contacts,
    deals,
    events,
    identities,
    list_memberships,
    score_ledger,
    tasks,
)
from embudo.store.visits import refresh_visits

Key = tuple[str, str]


def keys_of(message: Message) -> list[Key]:
    """The identities a message names; `alias` names the previous id as either kind."""
    found: list[Key] = []
    if message.user_id:
        found.append(("user", message.user_id))
    if message.anonymous_id:
        found.append(("anonymous", message.anonymous_id))
    if message.email:
        found.append(("email", message.email))
    if message.previous_id:
        found += [("user", message.previous_id), ("anonymous", message.previous_id)]
    return found


class Stitcher:
    """Resolves the messages of one batch to contacts, creating and merging as needed."""

    def __init__(self, conn: Connection, workspace_id: int, now: datetime) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        self.now = now
        self.known: dict[Key, int] = {}
        self.fresh: dict[Key, int] = {}
        self.parent: dict[int, int] = {}
        self.next_provisional = -1
        self.first_seen: dict[int, datetime] = {}
        self.first_message: dict[int, str] = {}
        self._created: set[int] = set()

    def resolve(self, messages: Sequence[Message], entry_stage: str) -> dict[str, int]:
        """Map each message id to its contact id, writing new contacts and identities."""
        named = [(message, keys_of(message)) for message in messages]
        self._load(key for _, keys in named for key in keys)
        provisional = {
            message.message_id: self._contact_for(message, keys) for message, keys in named
        }
        real = self._insert_new(entry_stage)
        self._insert_identities(real)
        return {mid: real.get(self._root(cid), self._root(cid)) for mid, cid in provisional.items()}

    @property
    def created(self) -> set[int]:
        """The contacts this batch created."""
        return self._created

    @property
    def merged(self) -> set[int]:
        """Existing contacts that absorbed another existing contact in this batch."""
        return {self._root(into) for absorbed, into in self.parent.items() if absorbed > 0}

    def _load(self, keys: Iterable[Key]) -> None:
        """The contacts the batch's keys already lead to.

        The kinds are named too: the unique index is (workspace, kind, value),
        and without the kind a lookup by value scans every identity of the
        workspace, a cost that grows with each contact ever seen.
        """
        wanted = set(keys)
        values = {value for _, value in wanted}
        rows = self.conn.execute(
            select(identities.c.kind, identities.c.value, identities.c.contact_id).where(
                identities.c.workspace_id == self.workspace_id,
                identities.c.kind.in_(sorted({kind for kind, _ in wanted})),
                among(self.conn, identities.c.value, values),
            )
        ).all()
        self.known = {(kind, value): cid for kind, value, cid in rows if (kind, value) in wanted}

    def _contact_for(self, message: Message, keys: list[Key]) -> int:
        """The contact of a message naming `keys`, merging the contacts they lead to."""
        ids = {self._root(cid) for key in keys if (cid := self._lookup(key)) is not None}
        contact = min(ids, key=_older_first) if ids else self._provisional(message)
        for other in ids - {contact}:
            self._merge(other, into=contact)
        for key in keys:
            if self._lookup(key) is None and not (
                message.previous_id and key[1] == message.previous_id
            ):
                self.fresh[key] = contact
        return contact

    def _lookup(self, key: Key) -> int | None:
        return self.known.get(key, self.fresh.get(key))

    def _provisional(self, message: Message) -> int:
        contact = self.next_provisional
        self.next_provisional -= 1
        self.first_seen[contact] = message.occurred_at(self.now)
        self.first_message[contact] = message.message_id
        return contact

    def _root(self, contact: int) -> int:
        while contact in self.parent:
            contact = self.parent[contact]
        return contact

    def _merge(self, absorbed: int, into: int) -> None:
        self.parent[absorbed] = into
        if absorbed > 0:
            _absorb(self.conn, absorbed, into)

    def _insert_new(self, entry_stage: str) -> dict[int, int]:
        """Insert the batch's new contacts; map provisional numbers to real ids.

        Each new contact records the message that created it, which is also
        how its returned id is matched to it: SQLite cannot return the ids of a
        multi-row insert in the order given, and asking for that order would
        make SQLAlchemy insert row by row.
        """
        founders = self._founders()
        if not founders:
            return {}
        rows = [self._new_row(founder, entry_stage) for founder in founders.values()]
        statement = insert(contacts).returning(contacts.c.first_message_id, contacts.c.id)
        by_message: dict[str, int] = dict(self.conn.execute(statement, rows).all())
        real = {root: by_message[self.first_message[f]] for root, f in founders.items()}
        self._created = set(real.values())
        return real

    def _founders(self) -> dict[int, int]:
        """For each new contact (a provisional root), its earliest provisional member."""
        founders: dict[int, int] = {}
        for member in self.first_seen:
            root = self._root(member)
            if root < 0 and (
                root not in founders or self.first_seen[member] < self.first_seen[founders[root]]
            ):
                founders[root] = member
        return founders

    def _new_row(self, founder: int, entry_stage: str) -> dict[str, object]:
        seen = self.first_seen[founder]
        return {
            "workspace_id": self.workspace_id,
            "first_message_id": self.first_message[founder],
            "traits": {},
            "stage": entry_stage,
            "stage_at": seen,
            "fit_score": 0.0,
            "engagement_score": 0.0,
            "score": 0.0,
            "scored_at": self.now,
            "unsubscribed": False,
            "first_seen_at": seen,
            "last_seen_at": seen,
            "created_at": self.now,
        }

    def _insert_identities(self, real: dict[int, int]) -> None:
        rows = [
            {
                "workspace_id": self.workspace_id,
                "kind": kind,
                "value": value,
                "contact_id": real.get(self._root(contact), self._root(contact)),
                "created_at": self.now,
            }
            for (kind, value), contact in self.fresh.items()
        ]
        insert_rows(self.conn, identities, rows)


def _older_first(contact: int) -> tuple[int, int]:
    """Existing contacts (positive ids, oldest first) absorb provisional ones."""
    return (0, contact) if contact > 0 else (1, -contact)


def _absorb(conn: Connection, absorbed: int, into: int) -> None:
    """Move what belongs to `absorbed` over to `into`; the absorbed row stays, marked."""
    for table in (identities, events, score_ledger, list_memberships, tasks, deals):
        conn.execute(update(table).where(table.c.contact_id == absorbed).values(contact_id=into))
    refresh_visits(conn, [absorbed, into])  # the tasks done, sales touches, changed hands
    conn.execute(
        update(deals)
        .where(deals.c.referred_by_contact_id == absorbed)
        .values(referred_by_contact_id=into)
    )
    conn.execute(
        update(contacts)
        .where(or_(contacts.c.id == absorbed, contacts.c.merged_into_id == absorbed))
        .values(merged_into_id=into, fit_score=0.0, engagement_score=0.0, score=0.0)
    )
