"""A chart for a report's result where one makes sense, chosen by the report's name.

`CHARTS` maps a report to a function of its result; a report with no entry
(or a grouping its function does not draw) is shown as a table alone. A
report added later gets a chart by adding its function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from embudo.analytics.report import ReportResult
from embudo.domain.spec import FunnelSpec
from embudo.web import charts
from embudo.web.conversions import channel_label, conversion_series, pivot
from embudo.web.flow_chart import sankey
from embudo.web.formats import Formats
from embudo.web.vocabulary import column_name, stage_name


@dataclass(frozen=True, slots=True)
class ChartContext:
    """What a chart needs besides the rows: the definition's names, the language, formats."""

    spec: FunnelSpec
    language: str
    formats: Formats


Chart = Callable[[ReportResult, ChartContext], charts.Option | None]


def _funnel(result: ReportResult, context: ChartContext) -> charts.Option | None:
    by = result.params.by
    if result.params.compare is not None:
        return None
    if by is None:
        rows = [row for row in result.rows if row["stage"] in _funnel_keys(context.spec)]
        steps = [_step(row["stage"], row["reached"], context) for row in rows]
        return charts.funnel(steps) if steps else None
    label = context.formats.month if by.column == "month" else channel_label(context.spec)
    table = pivot(result.rows, by.column, context.spec, context.language, label)
    return charts.bars(table.groups, conversion_series(table), percent=True)


def _funnel_keys(spec: FunnelSpec) -> set[str]:
    return {stage.key for stage in spec.lifecycle.funnel}


def _step(stage: str, reached: int, context: ChartContext) -> charts.Bar:
    name = stage_name(context.language, context.spec, stage)
    return charts.Bar(name, reached, context.formats.number(reached))


def _flow(result: ReportResult, context: ChartContext) -> charts.Option | None:
    if result.params.by is not None or result.params.compare is not None or not result.rows:
        return None
    return sankey(result.rows, context.spec, context.language)


def _pipeline(result: ReportResult, context: ChartContext) -> charts.Option | None:
    """Open deals per stage (one series per pipeline); only without a grouping."""
    if result.params.by is not None or result.params.compare is not None:
        return None
    stages = list(dict.fromkeys(str(row["stage"]) for row in result.rows))
    pipelines = list(dict.fromkeys(str(row["pipeline"]) for row in result.rows))
    series = [
        charts.Series(pipeline, [_open(result, pipeline, stage) for stage in stages])
        for pipeline in pipelines
    ]
    return charts.bars(stages, series) if stages else None


def _open(result: ReportResult, pipeline: str, stage: str) -> float | None:
    for row in result.rows:
        if row["pipeline"] == pipeline and row["stage"] == stage:
            return float(row["open_deals"])
    return None


def _health(result: ReportResult, context: ChartContext) -> charts.Option | None:
    """Open, won and lost deals per group, or per period with a comparison (not both)."""
    by, compare = result.params.by, result.params.compare
    if (by is None) == (compare is None) or not result.rows:
        return None
    key = "period" if by is None else by.column
    groups = [_group(context, key, row[key]) for row in result.rows]
    series = [
        charts.Series(column_name(context.language, column), [row[column] for row in result.rows])
        for column in ("open_deals", "won_deals", "lost_deals")
    ]
    return charts.bars(groups, series)


def _group(context: ChartContext, key: str, value: object) -> str:
    """A category as the table shows it: a channel's label, a month in the reader's language."""
    if key == "channel":
        return channel_label(context.spec)(str(value))
    if key == "month":
        return context.formats.month(str(value))
    return str(value)


CHARTS: dict[str, Chart] = {
    "funnel": _funnel,
    "flow": _flow,
    "pipeline": _pipeline,
    "health": _health,
}


def chart_for(result: ReportResult, context: ChartContext) -> charts.Option | None:
    """The report's chart, or None when a table says it better."""
    draw = CHARTS.get(result.report)
    return None if draw is None else draw(result, context)
