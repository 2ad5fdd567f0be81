"""The funnel engine: score ▸ qualify ▸ move, for one batch, in one transaction.

For each batch of new messages: stitch them to contacts, store them as
events, then for every contact they touched read its whole history back and
decide — score entries for the new events, fit corrections, lifecycle moves —
and bring the contact's cached stage and score in line with that history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from embudo.domain.conditions import Occurrence
from embudo.domain.lifecycle import (
    MoveType,
    PlannedMove,
    described_events,
    entry_stage,
    plan,
    uses_score,
    watched_events,
)
from embudo.domain.messages import Message
from embudo.domain.profile import GROUP_KEY, profile
from embudo.domain.scoring import (
    Points,
    ScoreKind,
    capped,
    engagement_points,
    fit_changes,
    reconcile_caps,
)
from embudo.engine.assignment import assign_entered
from embudo.engine.history import ContactHistory, Reading, Recorded, company_traits, load
from embudo.engine.identity import Stitcher
from embudo.engine.playbooks import run_for_moves
from embudo.engine.rescore import refresh
from embudo.engine.touches import Touches
from embudo.store.bulk import Bulk, insert_rows
from embudo.store.sets import among
from embudo.store.tables import companies, contacts, events, lifecycle_transitions, score_ledger
from embudo.store.visits import refresh_visits
from embudo.store.workspaces import Workspace

TRAIT_MESSAGES = frozenset({"identify", "group"})


def apply_batch(
    conn: Connection,
    workspace: Workspace,
    touches: Touches,
    messages: Sequence[Message],
    now: datetime,
) -> None:
    """Apply new (already de-duplicated) messages to the store."""
    ordered = sorted(messages, key=lambda message: message.occurred_at(now))
    stitcher = Stitcher(conn, workspace.id, now)
    contact_of = stitcher.resolve(ordered, entry_stage(workspace.spec))
    fresh = _store_events(conn, workspace, touches, ordered, contact_of, now)
    _store_companies(conn, workspace.id, ordered, now)
    reading = Reading(
        ids=set(contact_of.values()),
        fresh=fresh,
        whole=stitcher.created | stitcher.merged,
        watched=watched_events(workspace.spec),
        described=described_events(workspace.spec),
        with_entries=uses_score(workspace.spec),
        capped=capped(workspace.spec.scoring),
    )
    decide(conn, workspace, reading, stitcher.created, now)


def decide(
    conn: Connection, workspace: Workspace, reading: Reading, created: set[int], now: datetime
) -> None:
    """Score, qualify and move each contact from its history; write entries, moves, caches."""
    histories = load(conn, reading)
    company_ids = {h.company_id for h in histories.values() if h.company_id is not None}
    companies_now = company_traits(conn, company_ids) if company_ids else {}
    decisions = []
    for history in histories.values():
        history.company = companies_now.get(history.company_id or 0, {})
        decisions.append(_Decision(workspace, history, reading, history.id in created, now))
    ledger = [row for decision in decisions for row in decision.ledger_rows()]
    moves = [row for decision in decisions for row in decision.transition_rows()]
    company_of = _company_ids(conn, workspace.id, decisions)
    caches = [d.cache_row(company_of) for d in decisions if not d.history.quiet]
    touches = [d.touch_row() for d in decisions if d.history.quiet]
    facts_of = {decision.history.id: decision.facts for decision in decisions}
    _write(conn, ledger, moves, caches, touches)
    assign_entered(conn, workspace, moves, facts_of)
    run_for_moves(conn, workspace, moves, now=now)
    refresh(conn, among(conn, contacts.c.id, reading.ids), now)


class _Decision:
    """What the engine decides for one contact, from its history."""

    def __init__(
        self,
        workspace: Workspace,
        history: ContactHistory,
        reading: Reading,
        created: bool,
        now: datetime,
    ) -> None:
        self.workspace = workspace
        self.history = history
        self.now = now
        self.profile = profile([item.occurrence for item in history.recorded])
        self.facts = history.facts(self.profile.traits)
        fresh = list(reading.fresh.get(history.id, ()))
        self.entries = self._score(fresh)
        # Quiet: no new watched event and no condition on scores, so nothing new
        # can make a condition true that was not; the contact stays where it is.
        self.moves = [] if history.quiet else self._move(created, self._planned_from(fresh))

    def _planned_from(self, fresh: list[Recorded]) -> datetime | None:
        """From when moves must be planned: all history if read in full, else the new events."""
        if self.history.full:
            return None
        return min((item.occurrence.at for item in fresh), default=None)

    def _score(self, fresh: list[Recorded]) -> list[tuple[Points, int | None]]:
        spec = self.workspace.spec
        given = self.history.given(ScoreKind.ENGAGEMENT)
        made: list[tuple[Points, int | None]] = []
        for item in fresh:
            occurrence = item.occurrence
            earned = engagement_points(
                spec.scoring, occurrence.name, occurrence.properties, occurrence.at, given
            )
            for entry in earned:
                given[entry.rule] = given.get(entry.rule, 0.0) + entry.points
                made.append((entry, item.id))
        if self.history.full:
            made += self._caps([entry for entry, _ in made])
        made += self._fit(fresh)
        self.history.entries += [entry for entry, _ in made]
        return made

    def _caps(self, made: list[Points]) -> list[tuple[Points, int | None]]:
        """Corrections that keep capped rules on their earliest events (late events, merges)."""
        occurrences = [item.occurrence for item in self.history.recorded]
        entries = [*self.history.entries, *made]
        found = reconcile_caps(self.workspace.spec.scoring, occurrences, entries)
        return [(entry, self._event_at(entry.occurred_at)) for entry in found]

    def _fit(self, fresh: list[Recorded]) -> list[tuple[Points, int | None]]:
        if not any(item.occurrence.name in TRAIT_MESSAGES for item in fresh):
            return []
        # Fit follows the contact's latest traits: a late identify dated before a newer
        # one must not evaluate (and score) the traits as they stood back then.
        changes = [item for item in self.history.recorded if item.occurrence.name in TRAIT_MESSAGES]
        latest = max(changes, key=lambda item: item.occurrence.at)
        given = self.history.given(ScoreKind.FIT)
        found = fit_changes(
            self.workspace.spec.scoring.fit, self.facts, given, latest.occurrence.at
        )
        return [(entry, latest.id) for entry in found]

    def _move(self, created: bool, after: datetime | None) -> list[tuple[PlannedMove, int | None]]:
        history = self.history
        first = history.recorded[0] if history.recorded else None
        moves: list[PlannedMove] = []
        if created and first is not None:
            start = entry_stage(self.workspace.spec)
            moves.append(PlannedMove(None, start, MoveType.ENTER, first.occurrence.at))
        spec = self.workspace.spec
        planned = plan(spec, history.stage, history.stage_at, history.since, self.facts, after)
        return [(move, self._event_at(move.at)) for move in moves + planned]

    def _event_at(self, moment: datetime) -> int | None:
        at_moment = [item.id for item in self.history.recorded if item.occurrence.at == moment]
        return at_moment[-1] if at_moment else None

    def ledger_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "workspace_id": self.workspace.id,
                "contact_id": self.history.id,
                "event_id": event_id,
                "kind": entry.kind.value,
                "rule": entry.rule,
                "points": entry.points,
                "half_life_days": entry.half_life_days,
                "occurred_at": entry.occurred_at,
                "spec_version_id": self.workspace.spec_version_id,
                "recorded_at": self.now,
            }
            for entry, event_id in self.entries
        ]

    def transition_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "workspace_id": self.workspace.id,
                "contact_id": self.history.id,
                "from_stage": move.from_stage,
                "to_stage": move.to_stage,
                "move": move.move.value,
                "occurred_at": move.at,
                "cause": "event" if move.rule is None else "rule",
                "rule": move.rule,
                "spec_version_id": self.workspace.spec_version_id,
                "event_id": event_id,
                "actor": None,
                "reason": move.reason,
                "recorded_at": self.now,
            }
            for move, event_id in self.moves
        ]

    def touch_row(self) -> dict[str, Any]:
        """The contact's cached first touch and first and last times."""
        history = self.history
        channel_id, campaign_id = self._first_touch()
        times = [item.occurrence.at for item in history.recorded]
        return {
            "cid": history.id,
            "channel_id": channel_id,
            "campaign_id": campaign_id,
            "first_seen_at": min([*times, history.first_seen_at]),
            "last_seen_at": max([*times, history.last_seen_at]),
        }

    def cache_row(self, company_of: dict[str, int]) -> dict[str, Any]:
        """The contact's cached stage and profile; scores are refreshed in the database after."""
        history = self.history
        last = self.moves[-1][0] if self.moves else None
        return {
            **self.touch_row(),
            "stage": last.to_stage if last else history.stage,
            "stage_at": last.at if last else history.stage_at,
            "traits": self.profile.traits,
            "email": self.profile.email,
            "unsubscribed": self.profile.unsubscribed,
            "company_id": company_of.get(self.profile.group_id or "", history.company_id),
        }

    def _first_touch(self) -> tuple[int | None, int | None]:
        """The first touch with a campaign, else the first touch (as stored, when not read in full).

        A stored campaign touch is the first one, older than any new event of
        a contact not read in full; without one, the contact has no older
        campaign touch, so its new events decide.
        """
        if not self.history.full and self.history.campaign_id is not None:
            return self.history.channel_id, self.history.campaign_id
        recorded = self.history.recorded
        with_campaign = [item for item in recorded if item.campaign_id is not None]
        first = next(iter(with_campaign), None)
        if first is None and (self.history.full or self.history.channel_id is None):
            first = next(iter(recorded), None)
        if first is None:
            return self.history.channel_id, self.history.campaign_id
        return first.channel_id, first.campaign_id


def _company_ids(conn: Connection, workspace_id: int, decisions: list[_Decision]) -> dict[str, int]:
    """The company id of every group the batch's contacts belong to, in one query."""
    groups = {d.profile.group_id for d in decisions if d.profile.group_id is not None}
    if not groups:
        return {}
    rows = conn.execute(
        select(companies.c.group_id, companies.c.id).where(
            companies.c.workspace_id == workspace_id, among(conn, companies.c.group_id, groups)
        )
    )
    return dict(rows.all())


def _store_events(
    conn: Connection,
    workspace: Workspace,
    touches: Touches,
    messages: Sequence[Message],
    contact_of: dict[str, int],
    now: datetime,
) -> dict[int, list[Recorded]]:
    """Store the events; return each contact's, oldest first, as the engine reads them."""
    rows = [
        _event_row(conn, workspace.id, touches, message, contact_of, now) for message in messages
    ]
    if not rows:
        return {}
    # One executemany, then the ids read back by message id: RETURNING would make
    # SQLAlchemy build each row's parameters itself, which costs more than the insert.
    insert_rows(conn, events, rows)
    id_of = _event_ids(conn, workspace.id, [row["message_id"] for row in rows])
    fresh: dict[int, list[Recorded]] = defaultdict(list)
    for row in rows:
        occurrence = Occurrence(row["name"], row["occurred_at"], row["properties"])
        recorded = Recorded(
            id_of[row["message_id"]], occurrence, row["channel_id"], row["campaign_id"]
        )
        fresh[row["contact_id"]].append(recorded)
    return fresh


def _event_ids(conn: Connection, workspace_id: int, message_ids: list[str]) -> dict[str, int]:
    query = select(events.c.message_id, events.c.id).where(
        events.c.workspace_id == workspace_id, among(conn, events.c.message_id, message_ids)
    )
    return dict(conn.execute(query).all())


def _event_row(
    conn: Connection,
    workspace_id: int,
    touches: Touches,
    message: Message,
    contact_of: dict[str, int],
    now: datetime,
) -> dict[str, Any]:
    channel_id, campaign_id = touches.of(conn, message, now)
    return {
        "workspace_id": workspace_id,
        "message_id": message.message_id,
        "type": message.type,
        "name": message.event_name,
        "contact_id": contact_of[message.message_id],
        "anonymous_id": message.anonymous_id,
        "user_id": message.user_id,
        "occurred_at": message.occurred_at(now),
        "received_at": now,
        "properties": _stored_properties(message),
        "channel_id": channel_id,
        "campaign_id": campaign_id,
    }


def _stored_properties(message: Message) -> dict[str, Any]:
    """What conditions see of a message: traits for identify and group, properties otherwise."""
    if message.type == "identify":
        email = message.email
        return {**message.traits, "email": email} if email else dict(message.traits)
    if message.type == "group":
        return {**message.traits, GROUP_KEY: message.group_id}
    return message.properties_seen


def _store_companies(
    conn: Connection, workspace_id: int, messages: Iterable[Message], now: datetime
) -> None:
    """Create or update the company of each group message, latest traits last."""
    latest: dict[str, dict[str, Any]] = defaultdict(dict)
    for message in messages:
        if message.type == "group" and message.group_id:
            latest[message.group_id].update(message.traits)
    for group_id, traits in latest.items():
        _upsert_company(conn, workspace_id, group_id, traits, now)


def _upsert_company(
    conn: Connection, workspace_id: int, group_id: str, traits: dict[str, Any], now: datetime
) -> None:
    where = (companies.c.workspace_id == workspace_id) & (companies.c.group_id == group_id)
    found = conn.execute(select(companies.c.id, companies.c.traits).where(where)).first()
    name = str(traits.get("name", ""))
    if found is None:
        row = {"workspace_id": workspace_id, "group_id": group_id, "name": name}
        conn.execute(insert(companies).values(**row, traits=traits, created_at=now, updated_at=now))
    else:
        merged = {**found.traits, **traits}
        values = {"traits": merged, "updated_at": now, "name": str(merged.get("name", ""))}
        conn.execute(update(companies).where(companies.c.id == found.id).values(**values))


_TOUCH_COLUMNS = ("channel_id", "campaign_id", "first_seen_at", "last_seen_at")
_PROFILE_COLUMNS = ("stage", "stage_at", "traits", "email", "unsubscribed", "company_id")


def _cache_update(columns: Sequence[str]) -> Bulk:
    """An UPDATE of `columns` of one contact, for many rows (`cid`, `new_<column>`)."""
    values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in columns}
    return Bulk(update(contacts).where(contacts.c.id == bindparam("cid")).values(values))


_CACHE = _cache_update(_TOUCH_COLUMNS + _PROFILE_COLUMNS)
_TOUCH = _cache_update(_TOUCH_COLUMNS)
"""Quiet contacts: their stage and profile cannot have changed, only their touches."""


def _write(
    conn: Connection,
    ledger: list[dict[str, Any]],
    moves: list[dict[str, Any]],
    caches: list[dict[str, Any]],
    touches: list[dict[str, Any]],
) -> None:
    insert_rows(conn, score_ledger, ledger)
    insert_rows(conn, lifecycle_transitions, moves)
    refresh_visits(conn, {row["contact_id"] for row in moves})
    for statement, rows in ((_CACHE, caches), (_TOUCH, touches)):
        statement.run(conn, [_bound(row) for row in rows])


def _bound(row: dict[str, Any]) -> dict[str, Any]:
    return {key if key == "cid" else f"new_{key}": value for key, value in row.items()}
