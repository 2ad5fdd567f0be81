"""The pipeline board's read side: the open deals of one pipeline, and each stage's totals.

The board shows a card per open deal and, per stage, how many deals and how
much money: open stages count every deal in them; the won and lost stages
count the deals closed since `closed_since` (a board, not a report: what was
closed lately). Both take the same owner filter, so the totals always add up
the cards shown. Money comes back per currency, never added across them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from embudo.analytics.deals import money
from embudo.store.tables import contacts, deals, users

CARDS = 300
"""Cards read at most: the longest-waiting deals first, so the stalled ones are never cut."""


@dataclass(frozen=True, slots=True)
class BoardQuery:
    pipeline: str
    owner: str | None
    closed_since: datetime
    cards: int = CARDS


@dataclass(frozen=True, slots=True)
class StageSum:
    stage: str
    currency: str
    deals: int
    value: Decimal


def board_cards(conn: Connection, workspace_id: int, wanted: BoardQuery) -> list[dict[str, Any]]:
    """The pipeline's open deals, longest in their stage first, with their contact and owner."""
    query = _owned(
        select(
            deals.c.id,
            deals.c.title,
            deals.c.stage,
            deals.c.amount,
            deals.c.currency,
            deals.c.stage_at,
            deals.c.contact_id,
            contacts.c.email.label("contact_email"),
            contacts.c.traits.label("contact_traits"),
            users.c.email.label("owner"),
            users.c.name.label("owner_name"),
        ).join(contacts, contacts.c.id == deals.c.contact_id),
        workspace_id,
        wanted,
    ).where(deals.c.status == "open")
    rows = conn.execute(query.order_by(deals.c.stage_at, deals.c.id).limit(wanted.cards))
    return [{**row._mapping, "amount": money(row.amount)} for row in rows]


def board_totals(conn: Connection, workspace_id: int, wanted: BoardQuery) -> list[StageSum]:
    """Deals and value per stage and currency: open ones all, closed ones since `closed_since`."""
    shown = or_(
        deals.c.status == "open",
        and_(deals.c.status != "open", deals.c.closed_at >= wanted.closed_since),
    )
    query = _owned(
        select(deals.c.stage, deals.c.currency, func.count(), func.sum(deals.c.amount)),
        workspace_id,
        wanted,
    ).where(shown)
    rows = conn.execute(query.group_by(deals.c.stage, deals.c.currency).order_by(deals.c.currency))
    return [
        StageSum(stage, currency, count, money(value)) for stage, currency, count, value in rows
    ]


def _owned(query: Select[Any], workspace_id: int, wanted: BoardQuery) -> Select[Any]:
    """The pipeline's deals of the workspace, and only the owner's when one is asked for."""
    query = query.outerjoin(users, users.c.id == deals.c.owner_id).where(
        deals.c.workspace_id == workspace_id, deals.c.pipeline == wanted.pipeline
    )
    if wanted.owner is not None:
        query = query.where(users.c.email == wanted.owner.strip().lower())
    return query
