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


def live_contacts(source: Source) -> ibis.Table:
    """contact_id, channel_id, campaign_id, owner_id of every contact not merged away."""
    contacts = source.table("contacts")
    live = contacts.filter(contacts.merged_into_id.isnull())
    return live.select("channel_id", "campaign_id", "owner_id", contact_id=live.id)


def transitions(source: Source) -> ibis.Table:
    """The workspace's lifecycle moves of live contacts: contact_id, from, to, move, when."""
    moves = source.table("lifecycle_transitions").select(
        "contact_id", "from_stage", "to_stage", "move", "occurred_at"
    )
    live = live_contacts(source).select("contact_id")
    return moves.join(live, "contact_id")
