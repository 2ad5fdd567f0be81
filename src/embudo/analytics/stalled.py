"""`stalled`: where open deals wait, and the deals left in their stage past its rotting limit.

Seen as of the period's end, or now (`stage_visits.as_of`): the deals open
then (`deal_states`), each in its stage since it last entered it. One row per
pipeline stage holding open deals — how many, how long they have waited
(mean and longest), how many are stalled — the stages where deals wait
longest first; under each, one row per stalled deal with its owner, the
longest wait first. A deal is stalled when its stage has `rotting_days` and
it has been there that long (the rule `embudo deal rot-check` applies).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from operator import itemgetter
from typing import Any

import ibis

from embudo.analytics.deal_states import OPEN, deal_states
from embudo.analytics.dimensions import group_keys, names, with_dimension
from embudo.analytics.params import DimensionKind, ReportParams
from embudo.analytics.report import Report, Row, epoch_seconds, sort_rows
from embudo.analytics.source import Source, amount
from embudo.analytics.stage_visits import as_of, floored
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.spec import FunnelSpec

READ = ("deal_id", "pipeline", "stage", "amount", "owner_id", "rotting_days", "seconds", "stalled")
"""What is read of each open deal: turning the rest into Python values (dates above all)
was most of the report's time on DuckDB at full size."""

LISTED = frozenset({"duckdb"})
"""Backends that total each stage and list its stalled deals in one grouping (`list(…
ORDER BY …) FILTER (…)`): one row per stage comes back, not one per open deal with the
stage's labels again (DuckDB at full size: 0.54 → 0.38 CPU s for the report). SQLite has
no lists; on PostgreSQL the open deals are still read one by one (not measured)."""

COLUMNS = (
    "pipeline",
    "stage",
    "deal_id",
    "owner",
    "rotting_days",
    "open_deals",
    "stalled_deals",
    "stalled_value",
    "days_in_stage",
    "max_days_in_stage",
)

Stage = dict[str, Any]
"""A stage's totals: its labels, `rotting_days`, `open_deals`, `seconds` (summed),
`longest`, `stalled_value`, and its stalled deals' `deal_ids`, `owner_ids`, `amounts`
and `waits` (seconds), the longest wait first (then by deal)."""

LISTS = {"deal_ids": "deal_id", "owner_ids": "owner_id", "amounts": "amount", "waits": "seconds"}
"""Each list of a stage's stalled deals, and the open deal's column it gathers."""


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """Stage rows, longest mean wait first, each followed by its stalled deals.

    Where the engine cannot list (`LISTED`), the open deals are read once and
    totalled per stage here: most open deals of a large store are stalled ones,
    listed anyway, and a second, grouped query would work out every deal's state
    again (at 1,000,000 contacts on SQLite that was half of the report's time).
    """
    keys = group_keys(params.by)
    waiting = with_dimension(source, _waiting(source, as_of(source, window)), params.by)
    if source.backend.name in LISTED:
        totals = source.rows(_listed(waiting, keys))
    else:
        totals = [_totalled(found, keys) for found in _per_stage(source, waiting, keys)]
    owners = _owners(source)
    stages = [_stage_rows(total, keys, owners) for total in totals]
    stages.sort(key=lambda rows: (-(rows[0]["days_in_stage"] or 0), _place(source.spec, rows[0])))
    return sort_rows([row for rows in stages for row in rows], keys)


def _waiting(source: Source, moment: datetime) -> ibis.Table:
    """The deals open at `moment`: seconds in their stage, its rotting limit, stalled or not."""
    states = deal_states(source, moment, ("stage_at",))
    open_deals = states.filter(states.kind == OPEN)
    limits = _limits(source.spec)
    joined = open_deals.left_join(
        limits,
        [open_deals.pipeline == limits.limit_pipeline, open_deals.stage == limits.limit_stage],
    ).drop("limit_pipeline", "limit_stage")
    seconds = ibis.literal(floored(moment)) - epoch_seconds(joined.stage_at)
    stalled = joined.rotting_days.notnull() & (
        seconds >= joined.rotting_days * metrics.SECONDS_PER_DAY
    )
    return joined.mutate(seconds=seconds, stalled=stalled.fill_null(False))


def _owners(source: Source) -> dict[int, str]:
    """The users' emails by id: a few rows, looked up here rather than joined in, which
    keeps the query shallow enough for SQLite's parser with a `--by` lookup on top."""
    emails = source.rows(names(source, DimensionKind.OWNER))
    return {row["dimension_key"]: row["dimension_value"] for row in emails}


def _limits(spec: FunnelSpec) -> ibis.Table:
    """Each pipeline stage with a rotting limit, and the limit in days."""
    rows = [
        (pipeline, stage.key, stage.rotting_days)
        for pipeline, definition in spec.pipelines.items()
        for stage in definition.stages
        if stage.rotting_days is not None
    ]
    return ibis.memtable(
        {
            "limit_pipeline": [row[0] for row in rows],
            "limit_stage": [row[1] for row in rows],
            "rotting_days": [row[2] for row in rows],
        },
        schema={"limit_pipeline": "string", "limit_stage": "string", "rotting_days": "int64"},
    )


def _listed(waiting: ibis.Table, keys: list[str]) -> ibis.Table:
    """Each stage's totals (`Stage`) in one grouping."""
    stalled, order = waiting.stalled, [ibis.desc(waiting.seconds), ibis.asc(waiting.deal_id)]
    lists = {
        name: waiting[column].collect(where=stalled, order_by=order, include_null=True)
        for name, column in LISTS.items()
    }
    return waiting.group_by([*keys, "pipeline", "stage"]).aggregate(
        rotting_days=waiting.rotting_days.max(),
        open_deals=waiting.count(),
        seconds=waiting.seconds.sum(),
        longest=waiting.seconds.max(),
        stalled_value=waiting.amount.sum(where=stalled),
        **lists,
    )


def _per_stage(source: Source, waiting: ibis.Table, keys: list[str]) -> list[list[dict[str, Any]]]:
    """The open deals of each stage (and group), read in one query and gathered in one pass."""
    where = itemgetter(*keys, "pipeline", "stage")
    stages: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in source.rows(waiting.select(*keys, *READ)):
        stages[where(row)].append(row)
    return list(stages.values())


def _totalled(found: list[dict[str, Any]], keys: list[str]) -> Stage:
    """A stage's totals from its open deals, as `_listed` gives them (the stalled value
    exact: each stored amount, then their sum)."""
    stalled = sorted(
        (row for row in found if row["stalled"]),
        key=lambda row: (-int(row["seconds"]), int(row["deal_id"])),
    )
    waits = [int(row["seconds"]) for row in found]
    value = sum(
        (amount(row["amount"]) for row in stalled if row["amount"] is not None), amount(None)
    )
    return {
        **{key: found[0][key] for key in [*keys, "pipeline", "stage", "rotting_days"]},
        "open_deals": len(found),
        "seconds": sum(waits),
        "longest": max(waits),
        "stalled_value": value,
        **{name: [row[column] for row in stalled] for name, column in LISTS.items()},
    }


def _stage_rows(total: Stage, keys: list[str], owners: dict[int, str]) -> list[Row]:
    """A stage's row, then one row per stalled deal."""
    labels = {key: total[key] for key in [*keys, "pipeline", "stage"]}
    limit = None if total["rotting_days"] is None else int(total["rotting_days"])
    count = int(total["open_deals"])
    stalled = list(zip(*(total[name] or [] for name in LISTS), strict=True))
    stage = {
        **labels,
        "deal_id": None,
        "owner": None,
        "rotting_days": limit,
        "open_deals": count,
        "stalled_deals": len(stalled),
        "stalled_value": amount(total["stalled_value"]),
        "days_in_stage": metrics.average_days(int(total["seconds"]), count),
        "max_days_in_stage": metrics.days(int(total["longest"])),
    }
    return [stage, *(_deal_row(labels, limit, deal, owners) for deal in stalled)]


def _deal_row(
    labels: dict[str, Any], limit: int | None, deal: tuple[Any, ...], owners: dict[int, str]
) -> Row:
    deal_id, owner_id, value, seconds = deal
    days = metrics.days(int(seconds))
    return {
        **labels,
        "deal_id": int(deal_id),
        "owner": owners.get(owner_id),
        "rotting_days": limit,
        "open_deals": 1,
        "stalled_deals": 1,
        "stalled_value": amount(value),
        "days_in_stage": days,
        "max_days_in_stage": days,
    }


def _place(spec: FunnelSpec, row: Row) -> tuple[str, int, str]:
    """Ties: by pipeline, then stage order (a stage no longer defined last)."""
    found = spec.pipelines.get(row["pipeline"])
    keys = [stage.key for stage in found.stages] if found else []
    position = keys.index(row["stage"]) if row["stage"] in keys else len(keys)
    return (row["pipeline"], position, row["stage"])


REPORT = Report(
    name="stalled",
    summary="Where open deals wait longest, and the deals past their stage's rotting limit",
    columns=COLUMNS,
    dimensions=frozenset(
        {
            DimensionKind.CHANNEL,
            DimensionKind.CAMPAIGN,
            DimensionKind.MONTH,
            DimensionKind.PROPERTY,
        }
    ),
    compute=compute,
)
