"""What the demo's paid campaigns cost, so `embudo report attribution` shows CAC and ROI.

The simulator names one campaign per channel and quarter (`paid_search-2026-q1`).
Each paid campaign (its channel key starts with `paid`) is charged per click —
each event that carried it — over its quarter, through the same engine
command a marketer uses (`embudo campaign cost`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, func, select

from embudo.engine.campaign_costs import CampaignCost, record_campaign_cost
from embudo.store.tables import campaigns, channels, events

PRICE_PER_CLICK = {"paid_search": Decimal("24.00"), "paid_social": Decimal("11.50")}
DEFAULT_PRICE = Decimal("15.00")
QUARTERLY = re.compile(r"^(?P<channel>[a-z0-9_]+)-(?P<year>\d{4})-q(?P<quarter>[1-4])$")


def record_costs(conn: Connection, workspace_id: int, currency: str) -> int:
    """Charge every paid campaign of the workspace for its clicks; returns how many costs."""
    clicks = (
        select(campaigns.c.name, channels.c.key, func.count(events.c.id))
        .join(channels, campaigns.c.channel_id == channels.c.id)
        .join(events, events.c.campaign_id == campaigns.c.id)
        .where(campaigns.c.workspace_id == workspace_id, channels.c.key.like("paid%"))
        .group_by(campaigns.c.name, channels.c.key)
    )
    recorded = 0
    for name, channel, count in conn.execute(clicks).all():
        quarter = _quarter(name)
        if quarter is not None:
            price = PRICE_PER_CLICK.get(channel, DEFAULT_PRICE)
            cost = CampaignCost(name, *quarter, price * count, currency)
            record_campaign_cost(conn, workspace_id, cost)
            recorded += 1
    return recorded


def _quarter(name: str) -> tuple[date, date] | None:
    """The first and last day of the quarter a `channel-YYYY-qN` campaign ran in."""
    matched = QUARTERLY.match(name)
    if matched is None:
        return None
    year, quarter = int(matched["year"]), int(matched["quarter"])
    start = date(year, 3 * quarter - 2, 1)
    following = date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, following - timedelta(days=1)
