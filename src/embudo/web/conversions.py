"""The `funnel` report grouped by a dimension (`--by channel`, `--by month`) as a pivot and a chart.

Rows come one per (group, stage); people compare groups, so the table has
one row per group and one column per funnel stage (reached and conversion
into it), and the chart one series per stage after the first: the share of
the stage before that got there, as a percentage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from embudo.analytics.report import Row
from embudo.domain.spec import FunnelSpec
from embudo.web import charts
from embudo.web.vocabulary import stage_name

Label = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Pivot:
    """Groups (channels or months) by funnel stages."""

    stages: list[str]
    names: list[str]
    groups: list[str]
    cells: dict[str, dict[str, Row]]

    def cell(self, group: str, stage: str) -> Row:
        return self.cells[group].get(stage, {"reached": 0, "conversion": None})


def pivot(rows: list[Row], key: str, spec: FunnelSpec, language: str, label: Label = str) -> Pivot:
    """Stage rows (section rows left out) by the value of column `key`, shown by `label`."""
    stages = [stage.key for stage in spec.lifecycle.funnel]
    cells: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        if row["stage"] in stages:
            cells[_group(row[key], label)][row["stage"]] = row
    names = [stage_name(language, spec, stage) for stage in stages]
    return Pivot(stages, names, list(cells), dict(cells))


def _group(value: Any, label: Label) -> str:
    return "—" if value is None else label(str(value))


def channel_label(spec: FunnelSpec) -> Label:
    """A channel's name from the funnel definition (the workspace's own words), else its key."""
    names = {channel.key: channel.label for channel in spec.channels if channel.label}
    return lambda key: names.get(key, key)


def conversion_series(table: Pivot) -> list[charts.Series]:
    """One series per stage after the first: conversion into it, in percent, per group."""
    return [
        charts.Series(name, [_percent(table.cell(group, stage)) for group in table.groups])
        for stage, name in zip(table.stages[1:], table.names[1:], strict=True)
    ]


def _percent(row: Row) -> float | None:
    rate = row.get("conversion")
    return None if rate is None else round(float(rate) * 100, 1)
