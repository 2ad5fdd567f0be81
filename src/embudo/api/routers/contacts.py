"""`/api/v1/contacts`: the directory, and one contact with its score explained and timeline."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from embudo.analytics.contacts import explain
from embudo.analytics.directory import ContactQuery, contact_page
from embudo.analytics.timeline import timeline
from embudo.api.dependencies import NowDep, ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.common import Page, PagingDep
from embudo.api.schemas.contacts import (
    ContactDetail,
    ContactPath,
    ContactSummary,
    RuleScore,
    TimelineEvent,
    Transition,
)

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"], responses=PROBLEMS)
Sort = Literal[
    "score", "-score", "stage_at", "-stage_at", "last_seen_at", "-last_seen_at",
    "first_seen_at", "-first_seen_at", "email", "-email", "id", "-id",
]  # fmt: skip
"""The directory's `SORTS`, ascending and descending (a test keeps the two equal)."""


@router.get("")
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
    """Live contacts, filtered and sorted, a page at a time."""
    wanted = ContactQuery(
        stage, owner, channel, min_score, max_score, sort, paging.limit, paging.offset
    )
    found = contact_page(conn, workspace.id, wanted)
    return paging.page([ContactSummary.model_validate(row) for row in found.rows], found.more)


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
