"""ECharts options built on the server from report rows: the page embeds them as JSON.

The browser only hands each option to `echarts.init(...).setOption`
(`static/charts.js`); labels arrive already translated and numbers already
formatted for the reader's locale, so no formatting code runs in JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Option = dict[str, Any]
PALETTE = ["#1d4ed8", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#15803d", "#475569"]


@dataclass(frozen=True, slots=True)
class Bar:
    """One funnel step or one chart category: its name, value and the text shown for it."""

    name: str
    value: float
    text: str


def funnel(steps: list[Bar]) -> Option:
    """A funnel, widest at the top, in the given order (stages, not sorted by size)."""
    largest = max((step.value for step in steps), default=0) or 1
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "min": 0,
                "max": largest,
                "minSize": "4%",
                "gap": 2,
                "left": "2%",
                "width": "58%",
                "label": {"position": "right", "color": "#111827", "fontSize": 13},
                "labelLine": {"show": True},
                "data": [_funnel_item(step) for step in steps],
            }
        ],
    }


def _funnel_item(step: Bar) -> Option:
    return {"name": f"{step.name}: {step.text}", "value": step.value}


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    value: int
    backward: bool


def sankey(nodes: list[str], links: list[Link]) -> Option:
    """A Sankey of moves; backward moves (recycling, disqualification) drawn in red."""
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "emphasis": {"focus": "adjacency"},
                "nodeAlign": "left",
                "layoutIterations": 32,
                "data": [{"name": name} for name in nodes],
                "links": [_link(link) for link in links],
                "lineStyle": {"color": "source", "curveness": 0.5, "opacity": 0.45},
                "label": {"color": "#111827"},
            }
        ],
    }


def _link(link: Link) -> Option:
    found: Option = {"source": link.source, "target": link.target, "value": link.value}
    if link.backward:
        found["lineStyle"] = {"color": "#be123c", "opacity": 0.55}
    return found


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float | None]


def bars(categories: list[str], series: list[Series], percent: bool = False) -> Option:
    """Grouped bars, one group per category (e.g. conversion per channel)."""
    return _cartesian("bar", categories, series, percent)


def lines(categories: list[str], series: list[Series], percent: bool = False) -> Option:
    """Lines over categories in order (e.g. conversion per month)."""
    return _cartesian("line", categories, series, percent)


def _cartesian(kind: str, categories: list[str], series: list[Series], percent: bool) -> Option:
    axis: Option = {"type": "value"}
    if percent:
        axis["axisLabel"] = {"formatter": "{value}%"}
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": axis,
        "series": [{"type": kind, "name": one.name, "data": one.values} for one in series],
    }
