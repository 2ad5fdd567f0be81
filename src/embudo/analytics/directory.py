"""The contact directory: contacts filtered, sorted and read a page at a time.

Pages are by offset (`limit`, `offset`) or after a mark (`after`: the last
row's sort value and id, see `embudo.store.keyset`), with one row read past
the page to tell whether there is a next one: no count of the whole table per
request. Every sort ends on the id, so a page boundary never repeats or skips
a row; a page after a mark stays so while contacts are added.
`search` finds a contact by part of its email or name (the `name`,
`firstName` and `lastName` traits), without regard to case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from embudo.domain.errors import InvalidInput
from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import channels, contacts, users

SORTS = {
    "score": contacts.c.score,
    "stage_at": contacts.c.stage_at,
    "last_seen_at": contacts.c.last_seen_at,
    "first_seen_at": contacts.c.first_seen_at,
    "email": contacts.c.email,
    "id": contacts.c.id,
}


@dataclass(frozen=True, slots=True)
class ContactQuery:
    stage: str | None = None
    owner: str | None = None
    channel: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    sort: str = "-score"
    limit: int = 50
    offset: int = 0
    search: str | None = None
    after: Mark | None = None
    """Only the contacts after this place in `sort` (a cursor's), raw as it came."""


@dataclass(frozen=True, slots=True)
class ContactPage:
    rows: list[dict[str, Any]]
    more: bool


def contact_page(conn: Connection, workspace_id: int, wanted: ContactQuery) -> ContactPage:
    """One page of live (not merged) contacts matching `wanted`."""
    ordering = _ordering(wanted.sort)
    query = _filtered(_rows(workspace_id), wanted)
    if wanted.after is not None:
        query = query.where(ordering.after(ordering.resume(wanted.after)))
    query = query.order_by(*ordering.order_by()).limit(wanted.limit + 1).offset(wanted.offset)
    rows = [dict(row._mapping) for row in conn.execute(query)]
    return ContactPage(rows[: wanted.limit], len(rows) > wanted.limit)


def _rows(workspace_id: int) -> Select[Any]:
    return (
        select(
            contacts.c.id,
            contacts.c.email,
            contacts.c.stage,
            contacts.c.stage_at,
            contacts.c.score,
            contacts.c.fit_score,
            contacts.c.engagement_score,
            channels.c.key.label("channel"),
            users.c.email.label("owner"),
            contacts.c.first_seen_at,
            contacts.c.last_seen_at,
            contacts.c.traits,
        )
        .outerjoin(channels, channels.c.id == contacts.c.channel_id)
        .outerjoin(users, users.c.id == contacts.c.owner_id)
        .where(contacts.c.workspace_id == workspace_id, contacts.c.merged_into_id.is_(None))
    )


def _filtered(query: Select[Any], wanted: ContactQuery) -> Select[Any]:
    if wanted.stage is not None:
        query = query.where(contacts.c.stage == wanted.stage)
    if wanted.owner is not None:
        query = query.where(users.c.email == wanted.owner.strip().lower())
    if wanted.channel is not None:
        query = query.where(channels.c.key == wanted.channel)
    if wanted.min_score is not None:
        query = query.where(contacts.c.score >= wanted.min_score)
    if wanted.max_score is not None:
        query = query.where(contacts.c.score <= wanted.max_score)
    if wanted.search:
        query = query.where(_matching(wanted.search))
    return query


NAMED_BY = ("name", "firstName", "lastName")


def _matching(search: str) -> Any:
    """Email or a name trait containing `search`, any case (`%` and `_` taken literally)."""
    escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    fields = [contacts.c.email, *(contacts.c.traits[key].as_string() for key in NAMED_BY)]
    return or_(*(func.lower(field).like(pattern, escape="\\") for field in fields))


def _ordering(sort: str) -> Ordering:
    """`score` ascending, `-score` descending; the id breaks ties the same way."""
    column = SORTS.get(sort.removeprefix("-"))
    if column is None:
        raise InvalidInput(f"cannot sort by {sort!r}: use one of {', '.join(SORTS)} (- for desc)")
    return Ordering(column, contacts.c.id, descending=sort.startswith("-"))
