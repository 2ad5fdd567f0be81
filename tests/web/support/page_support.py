"""Reading what a dashboard page drew: the ECharts options in its HTML, or in a live browser."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from playwright.sync_api import Page

OPTION_OF = "selector => echarts.getInstanceByDom(document.querySelector(selector)).getOption()"


def embedded_charts(page_html: str) -> list[dict[str, Any]]:
    """The ECharts options a page embeds (`data-chart='…'`), in page order."""
    found = re.findall(r"data-chart='([^']*)'", page_html)
    return [json.loads(html.unescape(text)) for text in found]


def chart_option(page: Page, selector: str) -> Any:
    """The option ECharts holds for the chart in `selector`, once `charts.js` drew it."""
    page.wait_for_selector(f"{selector}[data-drawn='true']")
    return page.evaluate(OPTION_OF, selector)
