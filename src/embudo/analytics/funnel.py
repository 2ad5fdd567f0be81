"""`funnel`: per lifecycle stage, the contacts that reached it and the conversion into it.

Two ways to count (`--mode`):
- **cohort** — the contacts created in the period (their first lifecycle
  move, the `enter`, falls in it), and how far each got, ever: a contact
  reached every funnel stage up to the highest one it ever entered. Skipped
  stages count, re-entries count once, and the counts never grow down the
  funnel, so conversions are true fractions of one group of people.
- **period** — the entries in the period: a contact reached a stage when a
  move in the period took it there *or past it* from a lower funnel stage
  (a move lead → sql reaches mql, sal and sql; entering the funnel at a
  later stage reaches the ones before; a move from nurture or disqualified
  reaches only its target). Each contact counts once per stage.

TOFU / MOFU / BOFU rows follow the stages: `reached` is the contacts that
reached the section's first stage, `conversion` from the section before.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import ibis

from embudo.analytics.dimensions import group_keys, with_dimension
from embudo.analytics.lifecycle_stages import (
    funnel_rank,
    funnel_ranks,
    live_contacts,
    transitions,
)
from embudo.analytics.params import EVERY_DIMENSION, DimensionKind, Mode, ReportParams
from embudo.analytics.report import Report, Row, during, sort_rows
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.spec import FunnelSpec

COLUMNS = ("stage", "section", "reached", "conversion")


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """Stage rows then section rows, per dimension value; none when nobody reached anything."""
    keys = group_keys(params.by)
    reached = _cohort(source, window) if params.mode is Mode.COHORT else _period(source, window)
    subjects = with_dimension(source, _looked_up(source, reached, params), params.by)
    counted = subjects.group_by([*keys, "rank"]).aggregate(reached=subjects.contact_id.nunique())
    totals = _by_group(source.rows(counted), keys)
    if params.mode is Mode.COHORT:
        totals = {group: metrics.at_least(counts) for group, counts in totals.items()}
    return sort_rows(
        [
            row
            for group, counts in totals.items()
            for row in _rows(source.spec, keys, group, counts)
        ],
        keys,
    )


def _looked_up(source: Source, reached: ibis.Table, params: ReportParams) -> ibis.Table:
    """`reached` with the contact's columns `--by` looks up; as it is without a lookup.

    `reached` holds live contacts already (`transitions`), so joining the
    contacts again only serves the dimension: skipping it spares a join of
    every contact on the report's largest input.
    """
    if not group_keys(params.by):
        return reached
    return reached.join(live_contacts(source), "contact_id")


def _cohort(source: Source, window: Window) -> ibis.Table:
    """contact_id, rank: the highest funnel stage each contact of the cohort ever reached.

    One pass over the moves gives each contact both its first move (which
    places it in a cohort) and its highest funnel stage (null when it never
    entered one: no row then).
    """
    moves = transitions(source)
    ranked = moves.mutate(rank=funnel_rank(moves.to_stage, source.spec))
    people = ranked.group_by("contact_id").aggregate(
        created_at=ranked.occurred_at.min(), rank=ranked["rank"].max()
    )
    cohort = people.filter(during(people.created_at, window) & people["rank"].notnull())
    return cohort.select("contact_id", "rank")


def _period(source: Source, window: Window) -> ibis.Table:
    """contact_id, rank: every funnel stage a move in the window reached or stepped over."""
    moves = transitions(source)
    moves = moves.filter(during(moves.occurred_at, window))
    moves = moves.mutate(
        rank=funnel_rank(moves.to_stage, source.spec),
        from_rank=funnel_rank(moves.from_stage, source.spec),
    )
    moves = moves.filter(moves["rank"].notnull())
    lowest = ibis.cases(
        (moves.from_stage.isnull(), 0),
        (moves.from_rank < moves["rank"], moves.from_rank + 1),
        else_=moves["rank"],
    )
    spans = moves.select("contact_id", low=lowest, high=moves["rank"])
    stages = funnel_ranks(source.spec).rename(stage_rank="rank")
    covered = spans.cross_join(stages)
    covered = covered.filter(covered.stage_rank.between(covered.low, covered.high))
    return covered.select("contact_id", rank=covered.stage_rank).distinct()


def _by_group(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[Any, ...], dict[int, int]]:
    """Counts per rank, per dimension value (one group `()` without `--by`)."""
    found: dict[tuple[Any, ...], dict[int, int]] = defaultdict(dict)
    for row in rows:
        found[tuple(row[key] for key in keys)][int(row["rank"])] = int(row["reached"])
    return found


def _rows(
    spec: FunnelSpec, keys: list[str], group: tuple[Any, ...], counts: dict[int, int]
) -> list[Row]:
    stages = spec.lifecycle.funnel
    reached = [counts.get(rank, 0) for rank in range(len(stages))]
    conversions = metrics.conversions(reached)
    rows = [
        {"stage": stage.key, "section": stage.section.value, "reached": count, "conversion": rate}
        for stage, count, rate in zip(stages, reached, conversions, strict=True)
    ]
    return [{**dict(zip(keys, group, strict=True)), **row} for row in rows + _sections(rows)]


def _sections(rows: list[Row]) -> list[Row]:
    """One row per section present: the reach of its first stage, conversion from the one before."""
    firsts: dict[str, int] = {}
    for row in rows:
        firsts.setdefault(row["section"], row["reached"])
    conversions = metrics.conversions(list(firsts.values()))
    return [
        {"stage": section.upper(), "section": section, "reached": count, "conversion": rate}
        for (section, count), rate in zip(firsts.items(), conversions, strict=True)
    ]


REPORT = Report(
    name="funnel",
    summary="Contacts that reached each lifecycle stage, conversion stage to stage",
    columns=COLUMNS,
    dimensions=EVERY_DIMENSION - {DimensionKind.PIPELINE},
    compute=compute,
    modes=frozenset({Mode.COHORT, Mode.PERIOD}),
)
