"""`pipeline`: per pipeline and open stage, the deals in it at the period's end and their value.

A deal's stage at the end of the period is read from its history
(`deal_states.last_stages`); deals in a won or lost stage are left out.
Every open stage of every pipeline gets a row — pipelines by key (a stored
definition's mapping keys do not keep their order: PostgreSQL's JSONB sorts
them), stages in the definition's order — zeros included, so the board is
complete; amounts are summed by the engine and weighted by the stage's
probability in Python.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from embudo.analytics.deal_states import in_open_stages, last_stages
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, ReportParams
from embudo.analytics.report import Report, Row, sort_rows
from embudo.analytics.source import Source, amount
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.spec import FunnelSpec, PipelineStageKind

COLUMNS = ("pipeline", "stage", "probability", "open_deals", "value", "weighted_value")

Totals = dict[tuple[str, str], tuple[int, Decimal]]


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """The board per dimension value; no rows when no deal is open."""
    keys = group_keys(params.by)
    deals = with_dimension(source, last_stages(source, window.end), params.by)
    sums = deals.group_by([*keys, "pipeline", "stage"]).aggregate(
        open_deals=deals.deal_id.count(), value=deals.amount.sum()
    )
    groups = _by_group(in_open_stages(source.rows(sums), source.spec), keys)
    rows = [
        row for group, totals in groups.items() for row in _board(source.spec, keys, group, totals)
    ]
    return sort_rows(rows, keys)


def _by_group(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], Totals]:
    found: dict[tuple[Any, ...], Totals] = defaultdict(dict)
    for row in rows:
        stage = (row["pipeline"], row["stage"])
        found[tuple(row[key] for key in keys)][stage] = (
            int(row["open_deals"]),
            amount(row["value"]),
        )
    return found


def _board(spec: FunnelSpec, keys: list[str], group: tuple[Any, ...], totals: Totals) -> list[Row]:
    """Every open stage of every pipeline, then stages no longer defined that still hold deals."""
    defined = [
        (pipeline, stage.key, stage.probability)
        for pipeline, definition in sorted(spec.pipelines.items())
        for stage in definition.stages
        if stage.kind is PipelineStageKind.OPEN
    ]
    known = {(pipeline, stage) for pipeline, stage, _ in defined}
    leftover = [
        (pipeline, stage, 0.0)
        for pipeline, stage in sorted(totals)
        if (pipeline, stage) not in known
    ]
    return [_row(keys, group, stage, totals) for stage in defined + leftover]


def _row(
    keys: list[str], group: tuple[Any, ...], stage: tuple[str, str, float], totals: Totals
) -> Row:
    pipeline, key, probability = stage
    count, value = totals.get((pipeline, key), (0, amount(None)))
    return {
        **dict(zip(keys, group, strict=True)),
        "pipeline": pipeline,
        "stage": key,
        "probability": probability,
        "open_deals": count,
        "value": value,
        "weighted_value": metrics.weighted_value(value, probability),
    }


REPORT = Report(
    name="pipeline",
    summary="Open deals per pipeline stage: count, value, value weighted by probability",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION - {DimensionKind.PIPELINE},
    compute=compute,
)
