"""The overview in a real browser: charts drawn with data, the switch to Spanish, a refresh."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from page_support import chart_option
from playwright.sync_api import Browser, Page, StorageState, ViewportSize, expect
from sqlalchemy import update
from web_support import ADMIN, WORKSPACE, Site, add_person, dashboard, demo_workspace, sign_in_page

from embudo.config import Settings
from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.store import schema
from embudo.store.session import connect
from embudo.store.tables import report_cache
from embudo.web.report_cache import MIN_INTERVAL


def test_overview_draws_the_funnel_with_the_stages_counts(page: Page, site: str) -> None:
    page.goto(f"{site}/?period=all")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    option = chart_option(page, "#funnel-chart")
    data = option["series"][0]["data"]
    assert [item["name"].split(":")[0] for item in data[:3]] == ["Visitor", "Lead", "MQL"]
    assert data[0]["value"] > data[2]["value"] > 0
    box = page.locator("#funnel-chart svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    expect(page.locator("#funnel-chart svg path").first).to_be_attached()


def test_period_switch_swaps_the_body_with_htmx(page: Page, site: str) -> None:
    page.goto(f"{site}/?period=all")
    before = chart_option(page, "#funnel-chart")["series"][0]["data"][0]["value"]
    page.get_by_label("Period").select_option("30d")
    # The body comes back once a year of data is counted again: on a loaded machine, seconds.
    expect(page).to_have_url(re.compile(r"period=30d"), timeout=30_000)
    page.wait_for_function(
        "v => { const c = echarts.getInstanceByDom(document.querySelector('#funnel-chart'));"
        " return c && c.getOption().series[0].data[0].value !== v; }",
        arg=before,
    )
    expect(page.get_by_text("vs ", exact=False).first).to_be_visible()


def test_spanish_switch_translates_texts_and_numbers(page: Page, site: str) -> None:
    page.goto(f"{site}/?period=all")
    english = page.locator("#funnel-table tbody tr").first.locator("td").first.inner_text()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Resumen", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Flujos")).to_be_visible()
    spanish = page.locator("#funnel-table tbody tr").first.locator("td").first.inner_text()
    assert "," in english and "." in spanish
    assert english.replace(",", "") == spanish.replace(".", "")
    page.goto(f"{site}/flows")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_overview_fits_a_phone_without_sideways_scrolling(
    browser: Browser, site: str, signed_in: StorageState
) -> None:
    viewport: ViewportSize = {"width": 390, "height": 844}
    context = browser.new_context(viewport=viewport, locale="es-ES", storage_state=signed_in)
    try:
        phone = context.new_page()
        phone.goto(f"{site}/?period=all")
        expect(phone.get_by_role("heading", name="Resumen", level=1)).to_be_visible()
        chart_option(phone, "#funnel-chart")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_stale_overview_replaces_its_figures_by_itself_once_refreshed(
    page: Page, own_site: Site
) -> None:
    sign_in_page(page, f"{own_site.url}/?period=all")
    before = chart_option(page, "#funnel-chart")["series"][0]["data"][0]["value"]
    now = datetime.now(UTC)
    arrivals = [
        {"type": "identify", "messageId": f"b-{n}", "userId": f"b-{n}", "traits": {}}
        for n in range(4)
    ]
    ingest(own_site.engine, WORKSPACE, [read_payload("test", m) for m in arrivals], now=now)
    with own_site.engine.begin() as conn:  # a minute passes: results may be recomputed again
        conn.execute(update(report_cache).values(computed_at=now - MIN_INTERVAL))
    page.reload()
    expect(page.get_by_text("Newer figures are being computed")).to_be_visible()
    expect(page.locator("[data-refresh]")).to_have_count(0, timeout=60_000)
    after = chart_option(page, "#funnel-chart")["series"][0]["data"][0]["value"]
    assert after == before + 4


def test_a_first_view_shows_placeholders_that_fill_in_by_themselves(
    page: Page, tmp_path: Path
) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'cold.db'}")
    schema.upgrade(engine)
    demo_workspace(engine, 60)
    add_person(engine, ADMIN)
    try:
        with dashboard(engine, Settings(workspace=WORKSPACE, report_wait=0)) as url:
            sign_in_page(page, f"{url}/?period=all")
            expect(page.locator("[data-computing]").first).to_be_visible()
            expect(page.locator("[data-computing]")).to_have_count(0, timeout=60_000)
            assert chart_option(page, "#funnel-chart")["series"][0]["data"][0]["value"] > 0
    finally:
        engine.dispose()
