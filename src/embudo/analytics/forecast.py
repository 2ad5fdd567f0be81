"""`forecast`: the open pipeline weighted by stage probability, by expected close month.

Seen as of the period's end, or now (`stage_visits.as_of`): the deals open
then (`deal_states.last_stages`, the won and lost stages left out), in the
stage they stood in. Each is worth its amount times its stage's probability;
the deals are grouped per pipeline (a pipeline has one currency) and by the
month of the deal's expected close date; deals without one form their own
group (`close_month` null, listed last).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import ibis

from embudo.analytics.deal_states import in_open_stages, last_stages, probabilities
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, ReportParams
from embudo.analytics.report import Report, Row, sort_rows
from embudo.analytics.source import Source, amount
from embudo.analytics.stage_visits import as_of
from embudo.analytics.windows import Window
from embudo.domain import metrics

COLUMNS = ("pipeline", "close_month", "open_deals", "amount", "weighted_amount")

Group = tuple[Any, ...]


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """One row per pipeline and expected close month (per dimension value)."""
    keys = group_keys(params.by)
    deals = with_dimension(
        source, _with_close(last_stages(source, as_of(source, window))), params.by
    )
    parts = [*keys, "pipeline", "close_year", "close_month_number"]
    per_stage = deals.group_by([*parts, "stage"]).aggregate(
        open_deals=deals.count(), amount=deals.amount.sum()
    )
    grouped: dict[Group, list[dict[str, Any]]] = defaultdict(list)
    for row in in_open_stages(source.rows(per_stage), source.spec):
        grouped[tuple(row[part] for part in parts)].append(row)
    chances = probabilities(source.spec)
    rows = [_finish(group, found, keys, chances) for group, found in grouped.items()]
    return sort_rows(rows, [*keys, "pipeline", "close_month"])


def _with_close(states: ibis.Table) -> ibis.Table:
    """`states` with the year and month of each deal's expected close date (null without)."""
    return states.mutate(
        close_year=states.expected_close_on.year(),
        close_month_number=states.expected_close_on.month(),
    )


def _finish(
    group: Group,
    found: list[dict[str, Any]],
    keys: list[str],
    chances: dict[tuple[str, str], float],
) -> Row:
    """A group's totals; the weighting is done here, per stage probability, in Decimal."""
    year, month = group[-2], group[-1]
    pipeline = group[len(keys)]
    amounts = [(amount(row["amount"]), chances.get((pipeline, row["stage"]), 0.0)) for row in found]
    return {
        **dict(zip(keys, group, strict=False)),
        "pipeline": pipeline,
        "close_month": None if year is None else f"{int(year):04d}-{int(month):02d}",
        "open_deals": sum(int(row["open_deals"]) for row in found),
        "amount": sum((part for part, _ in amounts), Decimal(0)),
        "weighted_amount": metrics.weighted_amount(amounts),
    }


REPORT = Report(
    name="forecast",
    summary="Open pipeline weighted by stage probability, per pipeline and expected close month",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION - {DimensionKind.PIPELINE},
    compute=compute,
)
