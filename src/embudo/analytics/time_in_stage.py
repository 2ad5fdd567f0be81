"""`time-in-stage`: days contacts spend in each lifecycle stage, deals in each pipeline stage.

Every visit counts (`stage_visits`): a contact recycled back to MQL has two
MQL visits, a deal moved back to diagnosis two diagnosis visits. A period
takes the visits that began in it; a visit still going at the period's end
(or now, for a period not yet over) is measured up to then and counted in
`open_visits`. Stages nobody is meant to leave are not listed: the funnel's
last stage (customer) and the pipelines' won and lost stages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis

from embudo.analytics import medians
from embudo.analytics.deal_states import in_open_stages
from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.lifecycle_stages import live_contacts, merged_away
from embudo.analytics.params import EVERY_DIMENSION, Dimension, DimensionKind, ReportParams
from embudo.analytics.report import Report, Row, during, sort_rows
from embudo.analytics.source import Source
from embudo.analytics.stage_visits import as_of, cached_visits
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.spec import FunnelSpec

COLUMNS = ("scope", "pipeline", "stage", "visits", "open_visits", "mean_days", "median_days")
LIFECYCLE = "lifecycle"
EXACT_MEDIANS = frozenset({"duckdb", "postgres"})
"""Backends whose median is exact and, for an even count, the mean of the middle two
(DuckDB's `quantile_cont`, PostgreSQL's `percentile_cont`): the same number the middle
positions give, found without a window over every visit. SQLite has no median."""
PIPELINE = "pipeline"


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """Lifecycle stage rows, then pipeline stage rows, per dimension value."""
    moment = as_of(source, window)
    keys = group_keys(params.by)
    lifecycle = _lifecycle_visits(source, window, moment, params.by)
    pipeline = _pipeline_visits(source, window, moment, params.by)
    deal_rows = _summary(source, pipeline, [*keys, "pipeline", "stage"], PIPELINE)
    rows = [
        *_summary(source, lifecycle, [*keys, "stage"], LIFECYCLE),
        *in_open_stages(deal_rows, source.spec),
    ]
    ordered = sorted(rows, key=lambda row: _position(source.spec, row))
    return sort_rows(ordered, keys)


def _lifecycle_visits(
    source: Source, window: Window, moment: datetime, by: Dimension | None
) -> ibis.Table:
    """Visits of live contacts (a contact merged away keeps its moves, but is not counted).

    The contact is joined only to look `--by` up; otherwise the visits are
    checked against the few contacts merged away, which spares a lookup per visit.
    """
    seen = cached_visits(source.table("lifecycle_visits"), moment, "contact_id")
    final = source.spec.lifecycle.funnel[-1].key
    kept = seen.filter(during(seen.entered_at, window) & (seen.stage != final))
    if not group_keys(by):
        return kept.filter(~kept.contact_id.isin(merged_away(source)))
    return with_dimension(source, kept.join(live_contacts(source), "contact_id"), by)


def _pipeline_visits(
    source: Source, window: Window, moment: datetime, by: Dimension | None
) -> ibis.Table:
    """Visits of deals, from the `deal_visits` cache (which holds each deal's pipeline).

    The deal is joined only to look `--by` up, by its key (`keyed`): SQLite
    would rather read every deal of the workspace and look its visits up in
    an index built for the query. Visits to won and lost stages are counted
    too, and their rows left out after the grouping (`compute`).
    """
    seen = cached_visits(source.table("deal_visits"), moment, "deal_id", "pipeline")
    kept = seen.filter(during(seen.entered_at, window))
    if not group_keys(by):
        return kept
    deals = source.table("deals", keyed=True)
    looked_up = deals.select(
        "channel_id", "campaign_id", "owner_id", "contact_id", deal_id=deals.id
    )
    return with_dimension(source, kept.join(looked_up, "deal_id"), by)


def _summary(source: Source, seen: ibis.Table, keys: list[str], scope: str) -> list[Row]:
    """Per group: visits, open visits, total seconds and the median, in one pass."""
    # Only what is counted goes through the sort the median needs.
    counted = seen.select(*keys, "seconds", "open")
    if source.backend.name in EXACT_MEDIANS:
        totals = counted.group_by(keys).aggregate(
            **_counts(counted), median_seconds=counted.seconds.median()
        )
    else:
        totals = counted.group_by(keys).aggregate(
            **_counts(counted), durations=medians.json_group_array(counted.seconds)
        )
    return [_finish(row, keys, scope) for row in source.rows(totals)]


def _counts(visits: ibis.Table) -> dict[str, ibis.Value]:
    return {
        "visits": visits.count(),
        "open_visits": visits.count(where=visits.open),
        "seconds": visits.seconds.sum(),
    }


def _finish(row: dict[str, Any], keys: list[str], scope: str) -> Row:
    count = int(row["visits"])
    return {
        **{key: row[key] for key in keys if key not in {"pipeline", "stage"}},
        "scope": scope,
        "pipeline": row.get("pipeline"),
        "stage": row["stage"],
        "visits": count,
        "open_visits": int(row["open_visits"]),
        "mean_days": metrics.average_days(int(row["seconds"]), count),
        "median_days": _median_days(row),
    }


def _median_days(row: dict[str, Any]) -> float | None:
    """From the engine's median, or the group's durations (SQLite, `medians`)."""
    if "median_seconds" in row:
        return metrics.days(row["median_seconds"])
    return medians.median_days(row["durations"])


def _position(spec: FunnelSpec, row: Row) -> tuple[int, str, int, str]:
    """Lifecycle stages in funnel-definition order, then pipelines by name, stages in order;
    a stage no longer defined goes after its scope's defined ones."""
    if row["scope"] == LIFECYCLE:
        keys = [stage.key for stage in spec.lifecycle.stages]
        return (0, "", _index(keys, row["stage"]), row["stage"])
    found = spec.pipelines.get(row["pipeline"])
    keys = [stage.key for stage in found.stages] if found else []
    return (1, row["pipeline"], _index(keys, row["stage"]), row["stage"])


def _index(keys: list[str], key: str) -> int:
    return keys.index(key) if key in keys else len(keys)


REPORT = Report(
    name="time-in-stage",
    summary="Mean and median days per lifecycle and pipeline stage, every visit counted",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION - {DimensionKind.PIPELINE},
    compute=compute,
)
