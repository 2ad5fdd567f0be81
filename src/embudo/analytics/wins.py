"""Won deals: each move into a won stage, read from `deal_stage_history`.

A won deal is final (`domain.deals`), so a deal has at most one such move:
counting moves counts deals. The stage's kind comes from the funnel
definition in force, like everywhere else (`deal_states.stage_table`).
"""

from __future__ import annotations

import ibis

from embudo.analytics.deal_states import WON, stage_table
from embudo.analytics.source import Source


def won_deals(source: Source) -> ibis.Table:
    """Columns: deal_id, won_at, amount, pipeline and the deal's contact_id, channel_id,
    campaign_id and owner_id (the columns `dimensions.with_dimension` groups by)."""
    history = source.table("deal_stage_history")
    deals = source.table("deals")
    stages = stage_table(source.spec)
    won_stages = stages.filter(stages.kind == WON)
    closing = history.join(deals, history.deal_id == deals.id).join(
        won_stages,
        [deals.pipeline == won_stages.stage_pipeline, history.to_stage == won_stages.stage_key],
    )
    return closing.select(
        "deal_id",
        "contact_id",
        "channel_id",
        "campaign_id",
        "owner_id",
        "amount",
        "pipeline",
        won_at=history.occurred_at,
    )
