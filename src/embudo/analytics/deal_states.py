"""Where each deal stood at a moment, read from `deal_stage_history` (the truth), not the cache.

A deal's state at the end of a window is its last history row before that
end (latest `occurred_at`, then latest row id); the deal opened at its first
row. A stage's kind (open / won / lost) and probability come from the funnel
definition in force; a stage no longer defined counts as open with
probability 0, so an old row never makes a deal look closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

import ibis

from embudo.analytics.source import Source
from embudo.domain.spec import FunnelSpec, PipelineStage, PipelineStageKind

OPEN = PipelineStageKind.OPEN.value
WON = PipelineStageKind.WON.value
LOST = PipelineStageKind.LOST.value


MOVES = ("from_stage", "reason", "stage_at", "opened_at")
"""What `deal_states` can tell of a deal's moves besides its stage, each worked out only when
a report asks (`moves`): `opened_at` is a second grouping of the history on SQLite and
PostgreSQL, each of the others one more aggregate on DuckDB, and even unread columns make
Ibis's compilation slower (forecast on DuckDB: ~3 ms of a 0.1 s report)."""


def deal_states(source: Source, end: datetime | None, moves: Collection[str] = ()) -> ibis.Table:
    """One row per deal opened before `end`: where it stood then, and what it is worth.

    Columns: deal_id, contact_id, pipeline, stage, kind, amount,
    expected_close_on, channel_id, campaign_id, owner_id; and those of
    `MOVES` named in `moves`: stage_at (when it entered that stage),
    from_stage and reason (of the move into it: a closed deal's stage closed
    from, a lost one's loss reason), opened_at.
    """
    return _with_kinds(last_stages(source, end, moves), source.spec)


def last_stages(source: Source, end: datetime | None, moves: Collection[str] = ()) -> ibis.Table:
    """`deal_states` without `kind`, for a report that groups by stage and keeps the open
    ones itself (`in_open_stages`): the kind's `CASE` is a third of what Ibis
    compiles for `forecast` (8 ms of its 0.12 s on DuckDB)."""
    history = source.table("deal_stage_history")
    if end is not None:
        history = history.filter(history.occurred_at < end)
    last = _grouped_last if source.backend.name in ARG_MAX else _ranked_last
    return last(history, moves).join(_deals(source), "deal_id")


ARG_MAX = frozenset({"duckdb"})
"""Backends that take a deal's last move with one grouping (`FIRST(… ORDER BY …)`, what
Ibis's `argmax` becomes there), twice as fast on DuckDB as numbering each deal's moves;
SQLite has no such aggregate, and PostgreSQL's (`array_agg`) is not faster."""


def _ranked_last(history: ibis.Table, moves: Collection[str]) -> ibis.Table:
    """Each deal's last move (latest `occurred_at`, then latest id) found by numbering its
    moves; joined to its first move's time when asked."""
    latest = ibis.row_number().over(
        group_by=history.deal_id, order_by=[ibis.desc(history.occurred_at), ibis.desc(history.id)]
    )
    ranked = history.mutate(position=latest, stage=history.to_stage, stage_at=history.occurred_at)
    asked = [name for name in ("from_stage", "reason", "stage_at") if name in moves]
    last = ranked.filter(ranked.position == 0).select("deal_id", "stage", *asked)
    if "opened_at" not in moves:
        return last
    opened = history.group_by("deal_id").aggregate(opened_at=history.occurred_at.min())
    return last.join(opened, "deal_id")


def _grouped_last(history: ibis.Table, moves: Collection[str]) -> ibis.Table:
    """The same columns in one grouping: each value of the deal's last move, by
    (`occurred_at`, id), and its first move's time."""
    order = ibis.struct({"at": history.occurred_at, "id": history.id})
    every = {
        "from_stage": history.from_stage.argmax(order),
        "reason": history.reason.argmax(order),
        "stage_at": history.occurred_at.max(),
        "opened_at": history.occurred_at.min(),
    }
    asked = {name: every[name] for name in MOVES if name in moves}
    return history.group_by("deal_id").aggregate(stage=history.to_stage.argmax(order), **asked)


def _deals(source: Source) -> ibis.Table:
    deals = source.table("deals")
    return deals.select(
        "contact_id",
        "pipeline",
        "amount",
        "expected_close_on",
        "channel_id",
        "campaign_id",
        "owner_id",
        deal_id=deals.id,
    )


def _with_kinds(states: ibis.Table, spec: FunnelSpec) -> ibis.Table:
    return states.mutate(kind=stage_kind(states.pipeline, states.stage, spec))


def stage_kind(
    pipeline: ibis.StringValue, stage: ibis.StringValue, spec: FunnelSpec
) -> ibis.StringValue:
    """The kind (open / won / lost) of the stage `pipeline` and `stage` name; open for a
    stage no longer defined."""
    kinds = {key: found.kind.value for key, found in _stages(spec).items()}
    kind: ibis.StringValue = _looked_up(pipeline, stage, kinds, OPEN)
    return kind


def in_open_stages(rows: Iterable[dict[str, Any]], spec: FunnelSpec) -> list[dict[str, Any]]:
    """The rows (with `pipeline` and `stage`) of open stages: all but the defined won and
    lost ones (a stage no longer defined counts as open)."""
    closed = {key for key, found in _stages(spec).items() if found.kind.value != OPEN}
    return [row for row in rows if (row["pipeline"], row["stage"]) not in closed]


def probabilities(spec: FunnelSpec) -> dict[tuple[str, str], float]:
    """Each defined (pipeline, stage)'s probability; a stage no longer defined has 0."""
    return {key: float(found.probability) for key, found in _stages(spec).items()}


def _stages(spec: FunnelSpec) -> dict[tuple[str, str], PipelineStage]:
    return {
        (pipeline, stage.key): stage
        for pipeline, definition in spec.pipelines.items()
        for stage in definition.stages
    }


def _looked_up(
    pipeline: ibis.StringValue,
    stage: ibis.StringValue,
    values: dict[tuple[str, str], Any],
    otherwise: Any,
) -> ibis.Value:
    """The value of (pipeline, stage) in `values`, as a `CASE`, else `otherwise`.

    Written out rather than joined to `stage_table`: PostgreSQL has no
    statistics for the temporary table a small in-memory table becomes, and
    misjudging it can pick a plan many times slower (see `funnel_rank`).
    """
    if not values:
        return ibis.literal(otherwise)
    branches = [((pipeline == key[0]) & (stage == key[1]), value) for key, value in values.items()]
    return ibis.cases(*branches, else_=otherwise)


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
