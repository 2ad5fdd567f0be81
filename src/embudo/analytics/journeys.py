"""The touches that led to each deal won in a window, as `domain.attribution.Journey`s.

A **touch** is an event of the deal's contact that carried UTM parameters
(its channel is not `direct`) at or before the won moment; each such event
counts, in time order (then event id). A deal whose contact has no touch
gets a single one: the contact's first touch (`contacts.channel_id`,
`campaign_id`; `direct` when it has none), so every won deal's revenue is
attributed somewhere. Moments are floored epoch seconds, the same integers
on every engine; the journeys are assembled in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
from ibis import _

from embudo.analytics.dimensions import DIRECT, with_dimension
from embudo.analytics.params import Dimension, DimensionKind
from embudo.analytics.report import during, epoch_seconds
from embudo.analytics.source import Source, amount
from embudo.analytics.windows import Window
from embudo.analytics.wins import won_deals
from embudo.domain.attribution import Journey

TouchKey = tuple[str, str | None]
"""Where a touch came from: (channel key, campaign name or None)."""


@dataclass(frozen=True, slots=True)
class WonJourney:
    amount: Decimal
    journey: Journey
    keys: list[TouchKey]


def won_journeys(source: Source, window: Window) -> list[WonJourney]:
    """Every deal won in `window` with its touches."""
    won = won_deals(source)
    won = won.filter(during(won.won_at, window))
    touches: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for touch in source.rows(_touches(source, won)):
        touches[touch["deal_id"]].append(touch)
    return [_journey(deal, touches[deal["deal_id"]]) for deal in source.rows(_deals(source, won))]


def named(source: Source, table: ibis.Table) -> ibis.Table:
    """`table` (with channel_id, campaign_id) plus `channel` (key) and `campaign` (name)."""
    for kind in (DimensionKind.CHANNEL, DimensionKind.CAMPAIGN):
        table = with_dimension(source, table, Dimension(kind=kind))
    return table


def lead_stages(source: Source) -> list[str]:
    """The funnel stages from the second on: entering any of them makes a contact a lead."""
    return [stage.key for stage in source.spec.lifecycle.funnel[1:]]


def _deals(source: Source, won: ibis.Table) -> ibis.Table:
    """deal_id, amount, won_s, opened_s, lead_s, and the contact's first touch.

    Each milestone is found for the won deals only (their deal's moves, their
    contact's moves into a lead stage), and the contact is looked up by its key
    before its channel and campaign are named: working a milestone out for
    every deal or contact first made SQLite build it for all of them.
    """
    deals = won.select("deal_id", "contact_id", "amount", "won_at")
    contacts = source.table("contacts").select("channel_id", "campaign_id", first_id="id")
    # Every won deal has its opening move and its contact: left joins keep the won deals
    # the outer loop, so SQLite looks each one's contact up by its key.
    found = deals.left_join(_opened(source, deals), "deal_id")
    found = found.left_join(_became_lead(source, deals), "deal_id")
    found = named(source, found.left_join(contacts, found.contact_id == contacts.first_id))
    return found.select(
        "deal_id",
        "amount",
        "channel",
        "campaign",
        won_s=epoch_seconds(found.won_at),
        opened_s=epoch_seconds(found.opened_at),
        lead_s=epoch_seconds(found.lead_at),
    )


def _opened(source: Source, deals: ibis.Table) -> ibis.Table:
    """deal_id, opened_at: each of `deals`' first stage-history move."""
    history = source.table("deal_stage_history").select("occurred_at", moved_id="deal_id")
    moves = deals.select("deal_id").join(history, _.deal_id == history.moved_id)
    return moves.group_by("deal_id").aggregate(opened_at=moves.occurred_at.min())


def _became_lead(source: Source, deals: ibis.Table) -> ibis.Table:
    """deal_id, lead_at: when each of `deals`' contact first entered a lead stage."""
    moves = source.table("lifecycle_transitions")
    leads = moves.filter(moves.to_stage.isin(lead_stages(source))).select(
        "occurred_at", lead_contact_id="contact_id"
    )
    entered = deals.select("deal_id", "contact_id").join(
        leads, _.contact_id == leads.lead_contact_id
    )
    return entered.group_by("deal_id").aggregate(lead_at=entered.occurred_at.min())


def _touches(source: Source, won: ibis.Table) -> ibis.Table:
    """deal_id, event_id, touch_s, channel, campaign of each touch before its deal was won.

    The won deals are joined to their contacts' events first, then the events
    found are named: a store looks each deal's events up by its index on
    (contact_id, occurred_at) instead of naming every event it holds.
    """
    events = source.table("events")
    deals = won.select("deal_id", "contact_id", "won_at")
    joined = deals.join(
        events, [events.contact_id == deals.contact_id, events.occurred_at <= deals.won_at]
    )
    found = joined.select("deal_id", "channel_id", "campaign_id", "occurred_at", event_id=joined.id)
    marked = named(source, found)
    marked = marked.filter(marked.channel != DIRECT)
    return marked.select(
        "deal_id", "event_id", "channel", "campaign", touch_s=epoch_seconds(marked.occurred_at)
    )


def _journey(deal: dict[str, Any], touches: list[dict[str, Any]]) -> WonJourney:
    value = amount(deal["amount"])
    if not touches:
        return WonJourney(value, Journey(ages=[0]), [(deal["channel"], deal["campaign"])])
    ordered = sorted(touches, key=lambda touch: (touch["touch_s"], touch["event_id"]))
    moments = [int(touch["touch_s"]) for touch in ordered]
    journey = Journey(
        ages=[int(deal["won_s"]) - moment for moment in moments],
        lead=_last_by(moments, deal["lead_s"]),
        opportunity=_last_by(moments, deal["opened_s"]),
    )
    return WonJourney(value, journey, [(touch["channel"], touch["campaign"]) for touch in ordered])


def _last_by(moments: list[int], milestone: int | None) -> int | None:
    """The index of the last touch at or before the milestone; None when none came before it."""
    if milestone is None:
        return None
    before = [index for index, moment in enumerate(moments) if moment <= milestone]
    return before[-1] if before else None
