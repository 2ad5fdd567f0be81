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
from embudo.analytics.dimensions import group_keys, with_dimension
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


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """Stage rows, longest mean wait first, each followed by its stalled deals.

    The open deals are read once and totalled per stage here: most open deals
    of a large store are stalled ones, listed anyway, and a second, grouped
    query would work out every deal's state again (at 1,000,000 contacts on
    SQLite that was half of the report's time).
    """
    keys = group_keys(params.by)
    waiting = with_dimension(source, _waiting(source, as_of(source, window)), params.by)
    open_deals = source.rows(waiting.select(*keys, *READ))
    owners = _owners(source)
    stages = [_stage(found, keys, owners) for found in _per_stage(open_deals, keys)]
    stages.sort(key=lambda rows: (-(rows[0]["days_in_stage"] or 0), _place(source.spec, rows[0])))
    return sort_rows([row for rows in stages for row in rows], keys)


def _waiting(source: Source, moment: datetime) -> ibis.Table:
    """The deals open at `moment`: seconds in their stage, its rotting limit, stalled or not."""
    states = deal_states(source, moment)
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
    users = source.table("users")
    return {row["id"]: row["email"] for row in source.rows(users.select("id", "email"))}


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


def _per_stage(open_deals: list[dict[str, Any]], keys: list[str]) -> list[list[dict[str, Any]]]:
    """The open deals of each stage (and group), in one pass."""
    where = itemgetter(*keys, "pipeline", "stage")
    stages: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in open_deals:
        stages[where(row)].append(row)
    return list(stages.values())


def _stage(found: list[dict[str, Any]], keys: list[str], owners: dict[int, str]) -> list[Row]:
    """A stage's row, then its stalled deals', the longest wait first (then by deal).

    The stage row holds its open and stalled deals, the stalled value (exact:
    each stored amount, then their sum) and the seconds waited, summed and longest.
    """
    stalled = [row for row in found if row["stalled"]]
    waits = [int(row["seconds"]) for row in found]
    value = sum(
        (amount(row["amount"]) for row in stalled if row["amount"] is not None), amount(None)
    )
    stage = _row(
        found[0],
        keys,
        deal=(None, None),
        counts=(len(found), len(stalled)),
        value=value,
        waits=(metrics.average_days(sum(waits), len(found)), max(waits)),
    )
    deals = [_deal_row(row, owners.get(row["owner_id"]), keys) for row in stalled]
    deals.sort(key=lambda row: (-row["days_in_stage"], row["deal_id"]))
    return [stage, *deals]


def _deal_row(row: dict[str, Any], owner: str | None, keys: list[str]) -> Row:
    seconds = int(row["seconds"])
    return _row(
        row,
        keys,
        deal=(int(row["deal_id"]), owner),
        counts=(1, 1),
        value=amount(row["amount"]),
        waits=(metrics.days(seconds), seconds),
    )


def _row(
    row: dict[str, Any],
    keys: list[str],
    *,
    deal: tuple[int | None, str | None],
    counts: tuple[int, int],
    value: Any,
    waits: tuple[float | None, int],
) -> Row:
    limit = row["rotting_days"]
    return {
        **{key: row[key] for key in keys},
        "pipeline": row["pipeline"],
        "stage": row["stage"],
        "deal_id": deal[0],
        "owner": deal[1],
        "rotting_days": None if limit is None else int(limit),
        "open_deals": counts[0],
        "stalled_deals": counts[1],
        "stalled_value": value,
        "days_in_stage": waits[0],
        "max_days_in_stage": metrics.days(waits[1]),
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
