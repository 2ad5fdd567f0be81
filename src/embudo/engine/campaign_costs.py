"""Recording what a campaign cost, for the attribution report's CAC and ROI.

A campaign is known once a touch names it (`utm_campaign`); its costs are
rows of `campaign_costs`. Recording a cost again for the same first day is a
correction: it replaces that row. A period overlapping another cost of the
campaign is refused, since the days in common would be counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from embudo.domain.campaign_costs import check_cost, overlaps
from embudo.domain.deals import check_currency
from embudo.domain.errors import InvalidInput, NotFound
from embudo.store.tables import campaign_costs, campaigns


@dataclass(frozen=True, slots=True)
class CampaignCost:
    campaign: str
    start: date
    end: date
    amount: Decimal
    currency: str


def record_campaign_cost(conn: Connection, workspace_id: int, cost: CampaignCost) -> bool:
    """Record the cost; True when it is new, False when it corrected the one from `start`."""
    amount = check_cost(cost.campaign, cost.start, cost.end, cost.amount)
    currency = check_currency(cost.currency, f"cost of campaign '{cost.campaign}'")
    campaign_id = _campaign_id(conn, workspace_id, cost.campaign)
    _refuse_overlap(conn, campaign_id, cost)
    values = {"period_end": cost.end, "amount": amount, "currency": currency}
    c = campaign_costs
    same = (c.c.campaign_id == campaign_id) & (c.c.period_start == cost.start)
    if conn.scalar(select(c.c.id).where(same)) is not None:
        conn.execute(update(c).where(same).values(**values))
        return False
    row = {"workspace_id": workspace_id, "campaign_id": campaign_id, "period_start": cost.start}
    conn.execute(insert(c).values(**row, **values))
    return True


def _campaign_id(conn: Connection, workspace_id: int, name: str) -> int:
    where = (campaigns.c.workspace_id == workspace_id) & (campaigns.c.name == name)
    found = conn.scalar(select(campaigns.c.id).where(where))
    if found is None:
        raise NotFound(
            f"no campaign '{name}' — a campaign is known once a touch names it "
            "(context.campaign.name, utm_campaign); check the spelling"
        )
    return int(found)


def _refuse_overlap(conn: Connection, campaign_id: int, cost: CampaignCost) -> None:
    c = campaign_costs
    others = conn.execute(
        select(c.c.period_start, c.c.period_end).where(
            c.c.campaign_id == campaign_id, c.c.period_start != cost.start
        )
    )
    for start, end in others:
        if overlaps(cost.start, cost.end, start, end):
            raise InvalidInput(
                f"cost of campaign '{cost.campaign}' from {cost.start} to {cost.end} overlaps "
                f"the one from {start} to {end} — record it from {start} to correct that one, "
                "or pick days it does not cover"
            )
