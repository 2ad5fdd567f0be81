"""`/api/v1/deals`: list, get, create, edit, move, won, lost — through `engine.deals`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from sqlalchemy import Connection

from embudo.analytics.deals import DealFilter, list_deals, show_deal
from embudo.api.dependencies import ActorDep, NowDep, ReadingDep, SessionDep, WritingDep
from embudo.api.problems import PROBLEMS, named_in_body
from embudo.api.schemas.common import PAGED, Page, PagingDep
from embudo.api.schemas.deals import (
    DealChanges,
    DealDetail,
    DealLost,
    DealMove,
    DealSummary,
    DealWon,
    NewDeal,
)
from embudo.domain.deals import DealSource
from embudo.domain.errors import InvalidInput
from embudo.engine.deal_details import update_deal
from embudo.engine.deals import create_deal, lose_deal, move_deal, win_deal
from embudo.store.workspaces import Workspace

router = APIRouter(prefix="/api/v1/deals", tags=["deals"], responses=PROBLEMS)
DealId = Annotated[int, Path(ge=1, le=2**62)]
API = DealSource.API
Sort = Literal[
    "id", "-id", "stage_at", "-stage_at", "amount", "-amount", "close_on", "-close_on"
]  # fmt: skip
"""`analytics.deals.SORTS`, ascending and descending (a test keeps the two equal)."""


def _detail(conn: Connection, workspace_id: int, deal_id: int) -> DealDetail:
    shown = show_deal(conn, workspace_id, deal_id)
    return DealDetail.model_validate({**shown.deal, "history": shown.history})


@router.get("", responses=PAGED)
def list_all(
    conn: SessionDep,
    workspace: ReadingDep,
    paging: PagingDep,
    pipeline: str | None = None,
    stage: str | None = None,
    status: Literal["open", "won", "lost"] | None = None,
    owner: Annotated[str | None, Query(description="The owner's email")] = None,
    sort: Annotated[Sort, Query(description="A field; prefix - for descending")] = "id",
) -> Page[DealSummary]:
    """Deals by pipeline, stage, status and owner, oldest first unless sorted otherwise
    (undated `close_on` last either way); a page at a time, by offset or cursor."""
    wanted = DealFilter(
        pipeline,
        stage,
        status,
        owner,
        paging.limit + 1,
        paging.offset,
        sort=sort,
        after=paging.after(sort),
    )
    rows = list_deals(conn, workspace.id, wanted)
    found = [DealSummary.model_validate(row) for row in rows[: paging.limit]]
    return paging.page(found, len(rows) > paging.limit, sort)


@router.get("/{deal_id}")
def get(conn: SessionDep, workspace: ReadingDep, deal_id: DealId) -> DealDetail:
    """One deal with every stage it went through."""
    return _detail(conn, workspace.id, deal_id)


@router.post("", status_code=201)
def create(
    conn: SessionDep, workspace: WritingDep, actor: ActorDep, now: NowDep, body: NewDeal
) -> DealDetail:
    """Open a deal; the contact becomes an opportunity."""
    with named_in_body():
        deal_id = _create(conn, workspace, actor, now, body)
    return _detail(conn, workspace.id, deal_id)


def _create(
    conn: Connection, workspace: Workspace, actor: str, now: datetime, body: NewDeal
) -> int:
    return create_deal(
        conn,
        workspace,
        body.contact,
        pipeline=body.pipeline,
        stage=body.stage,
        amount=body.amount,
        currency=body.currency,
        owner_email=body.owner,
        expected_close_on=body.close_on,
        title=body.title,
        referred_by=body.referred_by,
        actor=actor,
        source=API,
        now=now,
    )


@router.patch("/{deal_id}")
def edit(
    conn: SessionDep, workspace: WritingDep, now: NowDep, deal_id: DealId, body: DealChanges
) -> DealDetail:
    """Change a deal's title, amount, owner or expected close date (a missing deal is 404,
    an unknown owner 422)."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("title", "") is None or changes.get("amount", 0) is None:
        raise InvalidInput("title and amount cannot be null: leave them out to keep them")
    _detail(conn, workspace.id, deal_id)
    with named_in_body():
        update_deal(conn, workspace, deal_id, changes, now=now)
    return _detail(conn, workspace.id, deal_id)


@router.post("/{deal_id}/move")
def move(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    deal_id: DealId,
    body: DealMove,
) -> DealDetail:
    """Move between the open stages of its pipeline, either way; a lost deal is reopened."""
    move_deal(
        conn, workspace, deal_id, body.stage, actor=actor, source=API, reason=body.reason, now=now
    )
    return _detail(conn, workspace.id, deal_id)


@router.post("/{deal_id}/won")
def won(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    deal_id: DealId,
    body: DealWon | None = None,
) -> DealDetail:
    """Close as won; the first won deal makes its contact a customer."""
    stage = body.stage if body else None
    win_deal(conn, workspace, deal_id, stage=stage, actor=actor, source=API, now=now)
    return _detail(conn, workspace.id, deal_id)


@router.post("/{deal_id}/lost")
def lost(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    deal_id: DealId,
    body: DealLost,
) -> DealDetail:
    """Close as lost with a reason; `recycle` sends the contact back to nurture."""
    lose_deal(
        conn,
        workspace,
        deal_id,
        body.reason,
        stage=body.stage,
        recycle=body.recycle,
        actor=actor,
        source=API,
        now=now,
    )
    return _detail(conn, workspace.id, deal_id)
