"""Deals as people read them: a filtered list, one deal with its history, totals per stage.

A won deal is a contact's *first* purchase or a *repeat* one, in the order
the contact's deals were won (the first is the one that made it a customer).
Amounts come back as `Decimal` with at least two decimals, whatever the
backend stored them as, so every interface prints the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, String, case, cast, func, select
from sqlalchemy.orm import aliased

from embudo.domain.errors import InvalidInput, NotFound
from embudo.domain.spec import FunnelSpec
from embudo.store.keyset import Mark, Ordering
from embudo.store.tables import (
    campaigns,
    channels,
    companies,
    contacts,
    deal_stage_history,
    deals,
    spec_versions,
    users,
)

CENTS = Decimal("0.01")
STORED = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class DealFilter:
    pipeline: str | None = None
    stage: str | None = None
    status: str | None = None
    owner: str | None = None
    limit: int = 100
    offset: int = 0
    contact_id: int | None = None
    sort: str = "id"
    """One of `SORTS`, - first for descending."""
    after: Mark | None = None
    """Only the deals after this place in `sort` (a cursor's), raw as it came."""


SORTS = {
    "id": deals.c.id,
    "stage_at": deals.c.stage_at,
    "amount": deals.c.amount,
    "close_on": deals.c.expected_close_on,
}


def list_deals(conn: Connection, workspace_id: int, wanted: DealFilter) -> list[dict[str, Any]]:
    """Deals matching the filter in `wanted.sort` (the id breaks ties), oldest first by default."""
    ordering = _ordering(wanted.sort)
    query = _deal_rows(workspace_id).order_by(*ordering.order_by())
    query = query.limit(wanted.limit).offset(wanted.offset)
    if wanted.after is not None:
        query = query.where(ordering.after(ordering.resume(wanted.after)))
    if wanted.pipeline is not None:
        query = query.where(deals.c.pipeline == wanted.pipeline)
    if wanted.stage is not None:
        query = query.where(deals.c.stage == wanted.stage)
    if wanted.status is not None:
        query = query.where(deals.c.status == wanted.status)
    if wanted.owner is not None:
        query = query.where(users.c.email == wanted.owner.strip().lower())
    if wanted.contact_id is not None:
        query = query.where(deals.c.contact_id == wanted.contact_id)
    return [_with_money(dict(row._mapping)) for row in conn.execute(query)]


def _ordering(sort: str) -> Ordering:
    column = SORTS.get(sort.removeprefix("-"))
    if column is None:
        raise InvalidInput(f"cannot sort by {sort!r}: use one of {', '.join(SORTS)} (- for desc)")
    return Ordering(column, deals.c.id, descending=sort.startswith("-"))


def _deal_rows(workspace_id: int) -> Select[Any]:
    nth = _purchase_order(workspace_id)
    purchase = case((nth.c.nth == 1, "first"), (nth.c.nth > 1, "repeat"), else_=None)
    return (
        select(
            deals.c.id,
            func.coalesce(contacts.c.email, cast(contacts.c.id, String)).label("contact"),
            deals.c.pipeline,
            deals.c.stage,
            deals.c.status,
            deals.c.amount,
            deals.c.currency,
            users.c.email.label("owner"),
            deals.c.expected_close_on.label("close_on"),
            channels.c.key.label("channel"),
            purchase.label("purchase"),
            deals.c.stage_at,
        )
        .join(contacts, contacts.c.id == deals.c.contact_id)
        .outerjoin(users, users.c.id == deals.c.owner_id)
        .outerjoin(channels, channels.c.id == deals.c.channel_id)
        .outerjoin(nth, nth.c.id == deals.c.id)
        .where(deals.c.workspace_id == workspace_id)
    )


def _purchase_order(workspace_id: int) -> Any:
    """Each won deal's place among its contact's won deals, by when it was won."""
    return (
        select(
            deals.c.id,
            func.row_number()
            .over(partition_by=deals.c.contact_id, order_by=(deals.c.closed_at, deals.c.id))
            .label("nth"),
        )
        .where(deals.c.workspace_id == workspace_id, deals.c.status == "won")
        .subquery("won")
    )


@dataclass(frozen=True, slots=True)
class DealDetail:
    deal: dict[str, Any]
    history: list[dict[str, Any]]


def show_deal(conn: Connection, workspace_id: int, deal_id: int) -> DealDetail:
    """One deal with where it came from and every stage it went through."""
    referrer = aliased(contacts)
    query = (
        _deal_rows(workspace_id)
        .add_columns(
            deals.c.title,
            companies.c.name.label("company"),
            campaigns.c.name.label("campaign"),
            referrer.c.email.label("referred_by"),
            deals.c.loss_reason,
            deals.c.closed_at,
            deals.c.created_at,
            deals.c.created_by,
        )
        .outerjoin(companies, companies.c.id == deals.c.company_id)
        .outerjoin(campaigns, campaigns.c.id == deals.c.campaign_id)
        .outerjoin(referrer, referrer.c.id == deals.c.referred_by_contact_id)
        .where(deals.c.id == deal_id)
    )
    found = conn.execute(query).first()
    if found is None:
        raise NotFound(f"no deal {deal_id} — list them with: embudo deal list")
    return DealDetail(_with_money(dict(found._mapping)), _history(conn, deal_id))


def _history(conn: Connection, deal_id: int) -> list[dict[str, Any]]:
    h = deal_stage_history
    rows = conn.execute(
        select(
            h.c.occurred_at,
            h.c.from_stage,
            h.c.to_stage,
            h.c.actor,
            h.c.source,
            h.c.reason,
            spec_versions.c.version.label("spec_version"),
        )
        .outerjoin(spec_versions, spec_versions.c.id == h.c.spec_version_id)
        .where(h.c.deal_id == deal_id)
        .order_by(h.c.occurred_at, h.c.id)
    )
    return [dict(row._mapping) for row in rows]


@dataclass(frozen=True, slots=True)
class StageTotal:
    """Deals in one stage of a pipeline and their value, in one currency."""

    pipeline: str
    stage: str
    kind: str
    deals: int
    value: Decimal
    currency: str


def deals_by_stage(conn: Connection, workspace_id: int, spec: FunnelSpec) -> list[StageTotal]:
    """Quantity and value of deals per pipeline stage, every stage in pipeline order.

    A stage with no deals shows 0 in the pipeline's currency; deals in other
    currencies are totalled apart, never added together.
    """
    rows = conn.execute(
        select(
            deals.c.pipeline,
            deals.c.stage,
            deals.c.currency,
            func.count(),
            func.sum(deals.c.amount),
        )
        .where(deals.c.workspace_id == workspace_id)
        .group_by(deals.c.pipeline, deals.c.stage, deals.c.currency)
        .order_by(deals.c.currency)
    ).all()
    held: dict[tuple[str, str], list[tuple[str, int, Decimal]]] = {}
    for pipeline, stage, currency, count, value in rows:
        held.setdefault((pipeline, stage), []).append((currency, count, money(value)))
    return [
        StageTotal(key, stage.key, stage.kind.value, count, value, currency)
        for key, pipeline in spec.pipelines.items()
        for stage in pipeline.stages
        for currency, count, value in held.get((key, stage.key), [(pipeline.currency, 0, money(0))])
    ]


def money(value: Decimal | float | int) -> Decimal:
    """An amount with at least two decimals and at most the four the store keeps."""
    exact = Decimal(str(value)).quantize(STORED).normalize()
    exponent = exact.as_tuple().exponent
    return exact.quantize(CENTS) if isinstance(exponent, int) and exponent > -2 else exact


def _with_money(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "amount": money(row["amount"])}
