"""The `flow` report as a Sankey: stages moved from on the left, stages moved to on the right.

A Sankey must be acyclic, and the funnel is not (an MQL recycled to nurture
can become an MQL again), so each stage appears twice: once as where moves
start and once as where they end. The right-hand copy carries an invisible
suffix (a zero-width space) so ECharts sees two nodes and people one name.
"""

from __future__ import annotations

from embudo.analytics.report import Row
from embudo.domain.spec import FunnelSpec
from embudo.web import charts
from embudo.web.vocabulary import stage_name

TARGET = "\u200b"


def sankey(rows: list[Row], spec: FunnelSpec, language: str) -> charts.Option:
    """Nodes in the definition's stage order, one link per (from, to) pair, backward in red.

    Entries into the funnel (no stage before) are left to the table: every
    contact has one, and drawn they dwarf the moves people act on.
    """
    links = [
        charts.Link(
            stage_name(language, spec, row["from_stage"]),
            stage_name(language, spec, row["to_stage"]) + TARGET,
            row["count"],
            row["direction"] == "backward",
        )
        for row in rows
        if row["direction"] != "enter"
    ]
    sources = list(dict.fromkeys(link.source for link in links))
    targets = list(dict.fromkeys(link.target for link in links))
    return charts.sankey(sources + targets, links)
