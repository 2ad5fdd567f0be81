"""Handing MQLs to sales: each contact entering the hand-off stage gets an owner.

The owner comes from the first assignment rule that holds, else from the
hand-off team's round-robin (`embudo.domain.handoff`). Turns are computed from
`owner_assignments`, with the team's user rows locked on PostgreSQL, so
concurrent ingesters take turns instead of both picking the same person. A
contact that already has an active owner keeps them (a re-qualified lead goes
back to the person who knows it). Every assignment is a row; `contacts.owner_id`
caches the last one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from embudo.domain.conditions import Facts
from embudo.domain.handoff import Candidate, Rotation, Route, round_robin, route
from embudo.domain.profile import profile
from embudo.engine.history import Reading, company_traits, load
from embudo.store.contacts import find_contact
from embudo.store.tables import contacts, owner_assignments, users
from embudo.store.users import find_active_user
from embudo.store.workspaces import Workspace

ENGINE_ACTOR = "embudo"
MANUAL_RULE = "manual"


@dataclass(frozen=True, slots=True)
class Assigned:
    """One hand-over: who got which contact, when, and by which rule."""

    contact_id: int
    owner_id: int
    owner_email: str
    rule: str
    at: datetime


def assign_entered(
    conn: Connection,
    workspace: Workspace,
    moves: Sequence[Mapping[str, Any]],
    facts_of: Mapping[int, Facts],
) -> list[Assigned]:
    """Give an owner to each contact that entered the hand-off stage in these transitions.

    Dated at the moment the contact became an MQL: that is when sales got it,
    however late the message that qualified it arrived.
    """
    stage = workspace.spec.handoff.stage
    entered = sorted(
        (row["occurred_at"], row["contact_id"]) for row in moves if row["to_stage"] == stage
    )
    if not entered:
        return []
    owned = _owned(conn, {contact_id for _, contact_id in entered})
    assigner = _Assigner(conn, workspace)
    made: list[Assigned] = []
    for at, contact_id in entered:
        if contact_id in owned:
            continue
        found = assigner.assign(
            contact_id, route(workspace.spec.handoff, facts_of[contact_id], at), at
        )
        if found is not None:
            owned.add(contact_id)
            made.append(found)
    _record(conn, workspace.id, made, ENGINE_ACTOR)
    return made


def assign_contact(
    conn: Connection,
    workspace: Workspace,
    reference: str,
    *,
    to: str | None,
    actor: str,
    now: datetime,
) -> Assigned | None:
    """Assign a contact by hand: to a named active user, else as its MQL entry would.

    Returns None when the rules lead to a team with no active member.
    """
    contact_id = find_contact(conn, workspace.id, reference)
    if to is not None:
        owner_id = find_active_user(conn, workspace.id, to)
        email = _email(conn, owner_id)
        found: Assigned | None = Assigned(contact_id, owner_id, email, MANUAL_RULE, now)
    else:
        chosen = route(workspace.spec.handoff, _facts(conn, contact_id), now)
        found = _Assigner(conn, workspace).assign(contact_id, chosen, now)
    _record(conn, workspace.id, [found] if found else [], actor)
    return found


def assign_unowned(
    conn: Connection,
    workspace: Workspace,
    contact_id: int,
    chosen: Route,
    *,
    at: datetime,
    actor: str,
) -> Assigned | None:
    """Give a contact without an active owner the owner `chosen` leads to (a playbook's).

    A contact that has an active owner keeps them, as on entering the
    hand-off stage, so a playbook never hands a lead over a second time.
    Returns None when nothing was assigned.
    """
    if _owned(conn, {contact_id}):
        return None
    found = _Assigner(conn, workspace).assign(contact_id, chosen, at)
    _record(conn, workspace.id, [found] if found else [], actor)
    return found


class _Assigner:
    """Resolves routes to active users, taking turns per team across one batch."""

    def __init__(self, conn: Connection, workspace: Workspace) -> None:
        self._conn = conn
        self._workspace = workspace
        self._rotations: dict[str, Rotation] = {}
        self._emails: dict[int, str] = {}
        self._named_so_far: list[tuple[int, datetime]] = []

    def assign(self, contact_id: int, chosen: Route, at: datetime) -> Assigned | None:
        """The owner `chosen` leads to; a named owner who is not active falls to the team."""
        owner_id = self._named(chosen.owner, at) if chosen.owner else None
        if owner_id is None:
            team = chosen.team or self._workspace.spec.handoff.team
            chosen = chosen if chosen.team else round_robin(team)
            owner_id = self._rotation(team).take(at)
        if owner_id is None:
            return None
        return Assigned(contact_id, owner_id, self._email(owner_id), chosen.rule, at)

    def _named(self, email: str, at: datetime) -> int | None:
        """The active user `email`, counted in their team's turns; None if not active."""
        found = self._conn.execute(
            select(users.c.id, users.c.email).where(
                users.c.workspace_id == self._workspace.id,
                users.c.email == email,
                users.c.active.is_(True),
            )
        ).first()
        if found is None:
            return None
        self._emails[found.id] = found.email
        self._named_so_far.append((found.id, at))
        for rotation in self._rotations.values():
            rotation.count(found.id, at)
        return int(found.id)

    def _rotation(self, team: str) -> Rotation:
        if team not in self._rotations:
            candidates = _candidates(self._conn, self._workspace.id, team)
            self._rotations[team] = Rotation(candidates)
            for user_id, at in self._named_so_far:
                self._rotations[team].count(user_id, at)
            self._emails |= dict(
                self._conn.execute(
                    select(users.c.id, users.c.email).where(
                        users.c.id.in_([c.user_id for c in candidates])
                    )
                ).all()
            )
        return self._rotations[team]

    def _email(self, user_id: int) -> str:
        return self._emails.get(user_id) or _email(self._conn, user_id)


def _candidates(conn: Connection, workspace_id: int, team: str) -> list[Candidate]:
    """The team's active members with their assignment count and latest assignment.

    Locks the members' rows on PostgreSQL: a second process assigning for the
    same team waits, then reads the turns this one recorded.
    """
    members = select(users.c.id).where(
        users.c.workspace_id == workspace_id, users.c.team == team, users.c.active.is_(True)
    )
    if conn.dialect.name == "postgresql":
        members = members.order_by(users.c.id).with_for_update()
    ids = list(conn.scalars(members))
    if not ids:
        return []
    a = owner_assignments
    history = {
        row.owner_id: row
        for row in conn.execute(
            select(
                a.c.owner_id, func.count().label("made"), func.max(a.c.assigned_at).label("last")
            )
            .where(a.c.workspace_id == workspace_id, a.c.owner_id.in_(ids))
            .group_by(a.c.owner_id)
        )
    }
    return [
        Candidate(user_id, history[user_id].made, history[user_id].last)
        if user_id in history
        else Candidate(user_id)
        for user_id in ids
    ]


def _owned(conn: Connection, contact_ids: set[int]) -> set[int]:
    """The contacts among `contact_ids` whose owner is an active user."""
    query = (
        select(contacts.c.id)
        .join(users, users.c.id == contacts.c.owner_id)
        .where(contacts.c.id.in_(contact_ids), users.c.active.is_(True))
    )
    return set(conn.scalars(query))


def _record(conn: Connection, workspace_id: int, made: list[Assigned], actor: str) -> None:
    if not made:
        return
    conn.execute(
        insert(owner_assignments),
        [
            {
                "workspace_id": workspace_id,
                "contact_id": item.contact_id,
                "owner_id": item.owner_id,
                "assigned_at": item.at,
                "rule": item.rule,
                "actor": actor,
            }
            for item in made
        ],
    )
    conn.execute(
        update(contacts).where(contacts.c.id == bindparam("cid")).values(owner_id=bindparam("oid")),
        [{"cid": item.contact_id, "oid": item.owner_id} for item in made],
    )


def _email(conn: Connection, user_id: int) -> str:
    return str(conn.scalar(select(users.c.email).where(users.c.id == user_id)))


def _facts(conn: Connection, contact_id: int) -> Facts:
    """What the assignment rules see of a contact now: its whole history, read back."""
    reading = Reading(
        ids=[contact_id],
        fresh={},
        whole=[contact_id],
        watched=(),
        described=(),
        with_entries=True,
        capped=(),
    )
    history = load(conn, reading)[contact_id]
    if history.company_id is not None:
        history.company = company_traits(conn, [history.company_id]).get(history.company_id, {})
    folded = profile([item.occurrence for item in history.recorded])
    return history.facts(folded.traits)
