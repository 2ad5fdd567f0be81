"""The reports page in a real browser: downloads as CSV and XLSX, grouping by a property."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect


def test_a_report_downloads_as_csv_and_xlsx(page: Page, site: str) -> None:
    page.goto(f"{site}/reports")
    page.get_by_role("link", name="Pipeline health").click()
    page.get_by_label("Group by").select_option("channel")
    expect(page).to_have_url(re.compile(r"by=channel"))
    expect(page.locator("#report-chart[data-drawn='true']")).to_be_attached()
    shown = page.locator("#report-body tbody tr").count()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    text = csv_download.value.path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["channel", "open_deals"] and len(rows) - 1 == shown
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX").click()
    assert xlsx_download.value.suggested_filename == "embudo-health-all.xlsx"
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert sheet is not None and sheet.max_row == len(rows)


def test_grouping_by_a_property_asks_its_name_beside_the_field(page: Page, site: str) -> None:
    page.goto(f"{site}/reports/funnel?period=all")
    name = page.get_by_label("Property name")
    expect(name).to_be_hidden()
    page.get_by_label("Group by").select_option("property")
    expect(name).to_be_visible()
    expect(page.locator("#report-property-error")).to_have_text(
        "Enter the name of a contact property, like country."
    )
    expect(page.get_by_label("Property name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Property name").fill("country")
    page.get_by_label("Property name").press("Enter")
    expect(page).to_have_url(re.compile(r"by=property&property=country"))
    expect(page.locator("#report-property-error")).to_have_count(0)
    expect(page.locator("#report-body thead th").first).to_have_text("country")
