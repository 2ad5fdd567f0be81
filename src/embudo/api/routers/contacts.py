"""`/api/v1/contacts`: the directory, one contact with its score explained and latest events,
and its whole timeline a page at a time."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from embudo.analytics.contacts import explain
from embudo.analytics.directory import ContactQuery, contact_page
from embudo.analytics.timeline import timeline
from embudo.api.dependencies import NowDep, ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.common import PAGED, Page, PagingDep
from embudo.api.schemas.contacts import (
    ContactDetail,
    ContactPath,
    ContactSummary,
    RuleScore,
    TimelineEvent,
    Transition,
)
from embudo.store.contacts import find_contact

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"], responses=PROBLEMS)
Sort = Literal[
    "score", "-score", "stage_at", "-stage_at", "last_seen_at", "-last_seen_at",
    "first_seen_at", "-first_seen_at", "email", "-email", "id", "-id",
]  # fmt: skip
"""The directory's `SORTS`, ascending and descending (a test keeps the two equal)."""
NEWEST_FIRST = "-occurred_at"
"""The one order of a timeline, as its cursors name it."""


@router.get("", responses=PAGED)
def list_contacts(
    conn: SessionDep,
    workspace: ReadingDep,
    paging: PagingDep,
    stage: str | None = None,
    owner: Annotated[str | None, Query(description="The owner's email")] = None,
    channel: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    sort: Annotated[Sort, Query(description="A field; prefix - for descending")] = "-score",
) -> Page[ContactSummary]:
    """Live contacts, filtered and sorted, a page at a time (by offset or cursor)."""
    wanted = ContactQuery(
        stage,
        owner,
        channel,
        min_score,
        max_score,
        sort,
        paging.limit,
        paging.offset,
        after=paging.after(sort),
    )
    found = contact_page(conn, workspace.id, wanted)
    data = [ContactSummary.model_validate(row) for row in found.rows]
    return paging.page(data, found.more, sort)


@router.get("/{contact}")
def get_contact(
    conn: SessionDep, workspace: ReadingDep, now: NowDep, contact: ContactPath
) -> ContactDetail:
    """One contact: its score by rule, its moves with their causes, its latest events."""
    explained = explain(conn, workspace.id, contact, now)
    row = explained.contact._mapping
    return ContactDetail(
        **{key: row[key] for key in ContactDetail.model_fields if key in row},
        score_rules=[
            RuleScore.model_validate(rule, from_attributes=True) for rule in explained.rules
        ],
        transitions=[Transition.model_validate(t._mapping) for t in explained.transitions],
        timeline=[TimelineEvent.model_validate(e) for e in timeline(conn, row["id"])],
    )


@router.get("/{contact}/events", responses=PAGED)
def list_events(
    conn: SessionDep, workspace: ReadingDep, contact: ContactPath, paging: PagingDep
) -> Page[TimelineEvent]:
    """The contact's whole timeline, newest first; a page at a time, by offset or cursor."""
    contact_id = find_contact(conn, workspace.id, contact)
    rows = timeline(conn, contact_id, paging.limit + 1, paging.offset, paging.after(NEWEST_FIRST))
    found = [TimelineEvent.model_validate(row) for row in rows[: paging.limit]]
    return paging.page(found, len(rows) > paging.limit, NEWEST_FIRST)
