"""The flows page in a real browser: the Sankey is drawn with its links."""

from __future__ import annotations

from page_support import chart_option
from playwright.sync_api import Page, expect


def test_flows_sankey_has_links_including_backward_moves(page: Page, site: str) -> None:
    page.goto(f"{site}/flows?period=all")
    expect(page.get_by_role("heading", name="Flows", level=1)).to_be_visible()
    links = chart_option(page, "#flow-chart")["series"][0]["links"]
    assert len(links) >= 5
    assert any("lineStyle" in link for link in links)
    drawn = page.locator("#flow-chart svg path")
    assert drawn.count() > len(links)
    assert chart_option(page, "#by-channel-chart")["series"]
