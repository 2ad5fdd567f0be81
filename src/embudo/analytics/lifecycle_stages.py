"""The funnel's stages as the reports see them: order, section, and who they are counted for.

Read from the funnel definition in force. Contacts are the live ones (a
contact merged into another is counted as the one that absorbed it: its
own row is left out), with the columns `--by` looks up.
"""

from __future__ import annotations

import ibis

from embudo.analytics.source import Source
from embudo.domain.spec import FunnelSpec


def funnel_ranks(spec: FunnelSpec) -> ibis.Table:
    """The forward stages as a small table: `rank_stage` (key) and `rank` (0 = first)."""
    keys = [stage.key for stage in spec.lifecycle.funnel]
    return ibis.memtable(
        {"rank_stage": keys, "rank": list(range(len(keys)))},
        schema={"rank_stage": "string", "rank": "int64"},
    )


def funnel_rank(stage: ibis.StringValue, spec: FunnelSpec) -> ibis.IntegerValue:
    """The rank of the forward stage `stage` names (0 = first), null for any other.

    Written out as a `CASE` rather than joined to `funnel_ranks`: PostgreSQL
    has no statistics for the temporary table a small in-memory table becomes,
    and guessing it large chose a plan that took the funnel at 1,000,000
    contacts from 8 to 38 s.
    """
    keys = [stage.key for stage in spec.lifecycle.funnel]
    ranks = {key: rank for rank, key in enumerate(keys)}
    rank: ibis.IntegerValue = stage.substitute(ranks, else_=ibis.null("int64"))
    return rank


def live_contacts(source: Source) -> ibis.Table:
    """contact_id, channel_id, campaign_id, owner_id of every contact not merged away."""
    contacts = source.table("contacts")
    live = contacts.filter(contacts.merged_into_id.isnull())
    return live.select("channel_id", "campaign_id", "owner_id", contact_id=live.id)


def transitions(source: Source, *, whole: bool = False) -> ibis.Table:
    """The workspace's lifecycle moves of live contacts: contact_id, from, to, move, when.

    Live is "not merged away", asked as such: merged contacts are few, so the
    moves are read alone and checked against that short list, where joining
    every move to its contact made SQLite read the moves through an index.
    `whole`: the caller reads all of them (`Source.table`).
    """
    moves = source.table("lifecycle_transitions", whole=whole).select(
        "contact_id", "from_stage", "to_stage", "move", "occurred_at"
    )
    return moves.filter(~moves.contact_id.isin(merged_away(source)))


def merged_away(source: Source) -> ibis.Column:
    """The ids of contacts merged into another, found by their own (partial) index."""
    contacts = source.table("contacts")
    return contacts.filter(contacts.merged_into_id.notnull()).id
