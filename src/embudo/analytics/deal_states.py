"""Where each deal stood at a moment, read from `deal_stage_history` (the truth), not the cache.

A deal's state at the end of a window is its last history row before that
end (latest `occurred_at`, then latest row id); the deal opened at its first
row. A stage's kind (open / won / lost) and probability come from the funnel
definition in force; a stage no longer defined counts as open with
probability 0, so an old row never makes a deal look closed.
"""

from __future__ import annotations

from datetime import datetime

import ibis

from embudo.analytics.source import Source
from embudo.domain.spec import FunnelSpec, PipelineStageKind

OPEN = PipelineStageKind.OPEN.value
WON = PipelineStageKind.WON.value
LOST = PipelineStageKind.LOST.value


def deal_states(source: Source, end: datetime | None) -> ibis.Table:
    """One row per deal opened before `end`: where it stood then, and what it is worth.

    Columns: deal_id, contact_id, pipeline, stage, kind, probability,
    stage_at (when it entered that stage), from_stage and reason (of the move
    into it: a closed deal's stage closed from, a lost one's loss reason),
    opened_at, amount, channel_id, campaign_id, owner_id.
    """
    history = source.table("deal_stage_history")
    if end is not None:
        history = history.filter(history.occurred_at < end)
    latest = ibis.row_number().over(
        group_by=history.deal_id, order_by=[ibis.desc(history.occurred_at), ibis.desc(history.id)]
    )
    ranked = history.mutate(position=latest)
    last = ranked.filter(ranked.position == 0).select(
        "deal_id",
        "from_stage",
        "reason",
        stage=ranked.to_stage,
        stage_at=ranked.occurred_at,
    )
    opened = history.group_by("deal_id").aggregate(opened_at=history.occurred_at.min())
    return _with_kinds(last.join(opened, "deal_id").join(_deals(source), "deal_id"), source.spec)


def _deals(source: Source) -> ibis.Table:
    deals = source.table("deals")
    return deals.select(
        "contact_id",
        "pipeline",
        "amount",
        "channel_id",
        "campaign_id",
        "owner_id",
        deal_id=deals.id,
    )


def _with_kinds(states: ibis.Table, spec: FunnelSpec) -> ibis.Table:
    stages = stage_table(spec)
    joined = states.left_join(
        stages, [states.pipeline == stages.stage_pipeline, states.stage == stages.stage_key]
    ).drop("stage_pipeline", "stage_key")
    return joined.mutate(
        kind=joined.kind.fill_null(OPEN), probability=joined.probability.fill_null(0.0)
    )


def stage_table(spec: FunnelSpec) -> ibis.Table:
    """The pipelines' stages as a small table: pipeline, key, position, kind, probability."""
    rows = [
        (pipeline, stage.key, position, stage.kind.value, stage.probability)
        for pipeline, definition in spec.pipelines.items()
        for position, stage in enumerate(definition.stages)
    ]
    return ibis.memtable(
        {
            "stage_pipeline": [row[0] for row in rows],
            "stage_key": [row[1] for row in rows],
            "stage_position": [row[2] for row in rows],
            "kind": [row[3] for row in rows],
            "probability": [float(row[4]) for row in rows],
        },
        schema={
            "stage_pipeline": "string",
            "stage_key": "string",
            "stage_position": "int64",
            "kind": "string",
            "probability": "float64",
        },
    )
