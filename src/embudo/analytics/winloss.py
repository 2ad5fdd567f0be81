"""`winloss`: the deals won and lost in a period, the stage each closed from, and why lost.

A deal counts as `health` counts it: as it stood at the period's end (its
last history row before then), won or lost by a move dated in the period. So
a deal lost, reopened and won counts once, as won, and its old loss reason
is not a loss any more — the review looks at outcomes, not at every closing.
One row per pipeline, stage closed from, outcome and loss reason, with the
row's share of its outcome: "40% of our losses were on price".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from embudo.analytics.deal_states import LOST, WON, deal_states
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, ReportParams
from embudo.analytics.report import Report, Row, during, sort_rows
from embudo.analytics.source import Source, amount
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.spec import FunnelSpec

COLUMNS = ("pipeline", "closed_from", "outcome", "reason", "deals", "amount", "share")
OUTCOMES = (WON, LOST)


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """Won rows, then lost rows, per pipeline and stage closed from (per dimension value)."""
    keys = group_keys(params.by)
    states = with_dimension(
        source, deal_states(source, window.end, ("from_stage", "reason", "stage_at")), params.by
    )
    closed = states.filter(states.kind.isin(OUTCOMES) & during(states.stage_at, window))
    counted = closed.group_by([*keys, "pipeline", "from_stage", "kind", "reason"]).aggregate(
        deals=closed.count(), amount=closed.amount.sum()
    )
    found = source.rows(counted)
    totals = _outcome_totals(found, keys)
    rows = [_finish(row, keys, totals) for row in found]
    ordered = sorted(rows, key=lambda row: _place(source.spec, row))
    return sort_rows(ordered, keys)


def _outcome_totals(found: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], int]:
    """Deals per outcome in each dimension group: what each row's share is of."""
    totals: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in found:
        totals[(*(row[key] for key in keys), row["kind"])] += int(row["deals"])
    return totals


def _finish(row: dict[str, Any], keys: list[str], totals: dict[tuple[Any, ...], int]) -> Row:
    deals = int(row["deals"])
    return {
        **{key: row[key] for key in keys},
        "pipeline": row["pipeline"],
        "closed_from": row["from_stage"],
        "outcome": row["kind"],
        "reason": row["reason"] if row["kind"] == LOST else None,
        "deals": deals,
        "amount": amount(row["amount"]),
        "share": metrics.share(deals, totals[(*(row[key] for key in keys), row["kind"])]),
    }


def _place(spec: FunnelSpec, row: Row) -> tuple[str, int, str, int, bool, str]:
    """Pipeline, stage closed from in definition order, won before lost, reason (none last)."""
    found = spec.pipelines.get(row["pipeline"])
    stages = [stage.key for stage in found.stages] if found else []
    stage = row["closed_from"] or ""
    position = stages.index(stage) if stage in stages else len(stages)
    reason = row["reason"]
    return (
        row["pipeline"],
        position,
        stage,
        OUTCOMES.index(row["outcome"]),
        reason is None,
        reason or "",
    )


REPORT = Report(
    name="winloss",
    summary="Deals won and lost: counts, value and loss reasons, by the stage closed from",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION - {DimensionKind.PIPELINE},
    compute=compute,
)
