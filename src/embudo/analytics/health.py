"""`health`: the seeds' four pipeline metrics and sales velocity, for a period.

Every deal is in exactly one place at the period's end (its last history row
before it): still open, won in the period, lost in the period, or closed
before the period began (not counted). So a deal lost, reopened and won
counts once, as it ended up. The engine counts and sums; `domain.metrics`
turns the totals into rates and averages.
"""

from __future__ import annotations

from typing import Any

import ibis

from embudo.analytics.deal_states import LOST, OPEN, WON, deal_states
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.params import EVERY_DIMENSION, ReportParams
from embudo.analytics.report import Report, Row, during, epoch_seconds, sort_rows
from embudo.analytics.source import Source, amount
from embudo.analytics.windows import Window
from embudo.domain import metrics

COLUMNS = (
    "open_deals",
    "won_deals",
    "lost_deals",
    "win_rate",
    "win_rate_value",
    "avg_deal_size",
    "avg_days_to_close",
    "velocity_per_day",
)


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """The health totals per dimension value (one row without `--by`)."""
    states = with_dimension(
        source, deal_states(source, window.end, ("stage_at", "opened_at")), params.by
    )
    keys = group_keys(params.by)
    totals = _totals(states, window)
    query = states.group_by(keys).aggregate(**totals) if keys else states.aggregate(**totals)
    rows = [_finish(row, keys) for row in source.rows(query)]
    return sort_rows([row for row in rows if _counts_anything(row)], keys)


def _totals(states: ibis.Table, window: Window) -> dict[str, ibis.Value]:
    won = (states.kind == WON) & during(states.stage_at, window)
    lost = (states.kind == LOST) & during(states.stage_at, window)
    days = epoch_seconds(states.stage_at) - epoch_seconds(states.opened_at)
    return {
        "open_deals": states.deal_id.count(where=states.kind == OPEN),
        "won_deals": states.deal_id.count(where=won),
        "lost_deals": states.deal_id.count(where=lost),
        "won_value": states.amount.sum(where=won),
        "lost_value": states.amount.sum(where=lost),
        "won_seconds": days.sum(where=won),
    }


def _finish(row: dict[str, Any], keys: list[str]) -> Row:
    won, lost, opened = int(row["won_deals"]), int(row["lost_deals"]), int(row["open_deals"])
    won_value, lost_value = amount(row["won_value"]), amount(row["lost_value"])
    rate = metrics.win_rate(won, lost)
    size = metrics.average_amount(won_value, won)
    seconds = int(row["won_seconds"] or 0)
    days = metrics.average_days(seconds, won)
    return {
        **{key: row[key] for key in keys},
        "open_deals": opened,
        "won_deals": won,
        "lost_deals": lost,
        "win_rate": rate,
        "win_rate_value": metrics.win_rate(won_value, lost_value),
        "avg_deal_size": size,
        "avg_days_to_close": days,
        "velocity_per_day": metrics.sales_velocity(opened, won, lost, won_value, seconds),
    }


def _counts_anything(row: Row) -> bool:
    """False for a group whose deals all closed before the period: nothing to show."""
    return bool(row["open_deals"] or row["won_deals"] or row["lost_deals"])


REPORT = Report(
    name="health",
    summary="Open deals, win rate, average deal size and days to close, sales velocity",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION,
    compute=compute,
)
