"""The touches that led to each deal won in a window, each placed in its journey.

A **touch** is an event of the deal's contact that carried UTM parameters
(its channel is not `direct`) at or before the won moment; each such event
counts, in time order (then event id). A deal whose contact has no touch
gets a single one: the contact's first touch (`contacts.channel_id`,
`campaign_id`; `direct` when it has none), so every won deal's revenue is
attributed somewhere. Moments are floored epoch seconds, the same integers
on every engine.

What the weights of `domain.attribution` need of a journey is worked out
in SQL, the same on every engine, with windows over each deal's touches: a
touch's position, the journey's touch count and milestone indexes (the
shape), and its age less the youngest touch's. So one row per touch comes
back, ready to be grouped by shape, instead of each deal's touches being
sorted and measured in Python.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis import _

from embudo.analytics.dimensions import DIRECT, with_dimension
from embudo.analytics.params import Dimension, DimensionKind
from embudo.analytics.report import during, epoch_seconds
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.analytics.wins import won_deals

TouchKey = tuple[str, str | None]
"""Where a touch came from: (channel key, campaign name or None)."""
UNITS = 10_000
"""Ten-thousandths in a unit of amount: amounts are stored to 4 decimals (`source.STORED`)."""


def won_touches(source: Source, window: Window) -> pa.Table:
    """Every touch of every deal won in `window`, placed in its journey: the columns of
    `PLACED`, one row per touch, as an Arrow table (`shares` groups them there)."""
    won = won_deals(source)
    won = won.filter(during(won.won_at, window))
    found: pa.Table = source.backend.to_pyarrow(_placed(source, won))
    return found


PLACED = (
    "deal_id",
    "units",
    "touch_count",
    "lead_touches",
    "opportunity_touches",
    "position",
    "difference",
    "channel",
    "campaign",
)
"""deal_id; `units`, the deal's amount in ten-thousandths (`source.STORED`), exact on every
engine; the journey's touch count; how many of its touches came at or before the lead and
the opportunity were created; the touch's position (0 first); `difference`, its age less
the youngest touch's in seconds (what time-decay weighs); its channel and campaign."""


def milestone(touches_before: int) -> int | None:
    """A milestone's touch is the last of the touches at or before it: none when none is."""
    return touches_before - 1 if touches_before else None


def _placed(source: Source, won: ibis.Table) -> ibis.Table:
    """Each touch of `won` with its place: the columns of `PLACED`.

    Each won deal is joined to its touches (a left join: a deal without any
    keeps one row, its stand-in touch: the contact's first touch at the won
    moment, event id 0). The touches are ordered by moment, then event id; a
    milestone's index is the count of touches at or before it, less one,
    since they are in time order; time-decay's difference is the newest
    touch's moment less this one's. The stand-in is a journey of one touch:
    its weight is 1 in every model, whatever its milestones. Channels and
    campaigns are named once, at the end: naming the deals' and the events'
    apart made SQLite share one unindexed lookup table between them.
    """
    deals = _deals(source, won)
    events = _touch_events(source)
    joined = deals.left_join(
        events, [events.touch_contact_id == deals.contact_id, events.occurred_at <= deals.won_at]
    )
    untouched = joined.event_id.isnull()
    placed = joined.select(
        "deal_id",
        "lead_s",
        "opened_s",
        units=(joined.amount * UNITS).round().cast("int64"),
        event_id=ibis.coalesce(joined.event_id, 0),
        touch_s=ibis.coalesce(epoch_seconds(joined.occurred_at), joined.won_s),
        channel_id=untouched.ifelse(joined.first_channel_id, joined.touch_channel_id),
        campaign_id=untouched.ifelse(joined.first_campaign_id, joined.touch_campaign_id),
    )
    deal = ibis.window(group_by=placed.deal_id)
    ordered = ibis.window(group_by=placed.deal_id, order_by=[placed.touch_s, placed.event_id])
    measured = placed.select(
        "deal_id",
        "units",
        "channel_id",
        "campaign_id",
        touch_count=placed.deal_id.count().over(deal),
        lead_touches=_at_or_before(placed.touch_s, placed.lead_s).over(deal),
        opportunity_touches=_at_or_before(placed.touch_s, placed.opened_s).over(deal),
        position=ibis.row_number().over(ordered),
        difference=placed.touch_s.max().over(deal) - placed.touch_s,
    )
    return named(source, measured).select(*PLACED)


def _at_or_before(moments: ibis.Value, milestone: ibis.Value) -> ibis.Value:
    """How many of `moments` came at or before `milestone` (0 when it is null)."""
    return (moments <= milestone).ifelse(1, 0).sum()


def named(source: Source, table: ibis.Table) -> ibis.Table:
    """`table` (with channel_id, campaign_id) plus `channel` (key) and `campaign` (name)."""
    for kind in (DimensionKind.CHANNEL, DimensionKind.CAMPAIGN):
        table = with_dimension(source, table, Dimension(kind=kind))
    return table


def lead_stages(source: Source) -> list[str]:
    """The funnel stages from the second on: entering any of them makes a contact a lead."""
    return [stage.key for stage in source.spec.lifecycle.funnel[1:]]


def _deals(source: Source, won: ibis.Table) -> ibis.Table:
    """deal_id, contact_id, amount, won_at, won_s, opened_s, lead_s, and the contact's
    first touch (first_channel_id, first_campaign_id).

    Each milestone is found for the won deals only (their deal's moves, their
    contact's moves into a lead stage): working a milestone out for every
    deal or contact first made SQLite build it for all of them.
    """
    deals = won.select("deal_id", "contact_id", "amount", "won_at")
    contacts = source.table("contacts").select(
        first_channel_id="channel_id", first_campaign_id="campaign_id", first_id="id"
    )
    # Every won deal has its opening move and its contact: left joins keep the won deals
    # the outer loop, so SQLite looks each one's contact up by its key.
    found = deals.left_join(_opened(source, deals), "deal_id")
    found = found.left_join(_became_lead(source, deals), "deal_id")
    found = found.left_join(contacts, found.contact_id == contacts.first_id)
    return found.select(
        "deal_id",
        "contact_id",
        "amount",
        "won_at",
        "first_channel_id",
        "first_campaign_id",
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
    """deal_id, lead_at: when each of `deals`' contact first entered a lead stage.

    Each contact's moves are looked up by its key (`keyed`), not every lead
    move read to find the won deals' contacts among them.
    """
    moves = source.table("lifecycle_transitions", keyed=True)
    leads = moves.filter(moves.to_stage.isin(lead_stages(source))).select(
        "occurred_at", lead_contact_id="contact_id"
    )
    entered = deals.select("deal_id", "contact_id").join(
        leads, _.contact_id == leads.lead_contact_id
    )
    return entered.group_by("deal_id").aggregate(lead_at=entered.occurred_at.min())


def _touch_events(source: Source) -> ibis.Table:
    """The events that are touches: those of a channel other than `direct`.

    Asked as "its channel is one of these" rather than by naming every
    event: a store looks a deal's events up by its index on (contact_id,
    occurred_at), and checks each one's channel against the short list.
    """
    channels = source.table("channels")
    touching = channels.filter(channels.key != DIRECT).id
    events = source.table("events")
    return events.filter(events.channel_id.isin(touching)).select(
        "occurred_at",
        event_id="id",
        touch_contact_id="contact_id",
        touch_channel_id="channel_id",
        touch_campaign_id="campaign_id",
    )
