"""The reports page without a browser: every registered report, its parameters, its downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from web_support import demo_workspace, signed_in_client

from embudo.analytics.reports import REPORTS


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    demo_workspace(store, 150)
    with signed_in_client(store) as opened:
        yield opened


def test_the_index_lists_every_registered_report(client: TestClient) -> None:
    html = client.get("/reports").text
    for name in REPORTS:
        assert f'href="/reports/{name}"' in html


def test_every_report_renders_with_each_of_its_groupings(client: TestClient) -> None:
    for name, report in REPORTS.items():
        assert client.get(f"/reports/{name}").status_code == 200, name
        for kind in sorted(report.dimensions - {"property"}):
            response = client.get(f"/reports/{name}", params={"by": kind, "period": "quarter"})
            assert response.status_code == 200, (name, kind)


def test_downloads_hold_the_table_the_page_shows(client: TestClient) -> None:
    asked = {"by": "channel", "period": "all", "mode": "period"}
    page = client.get("/reports/funnel", params=asked).text
    text = client.get("/reports/funnel/download", params={**asked, "format": "csv"})
    assert text.headers["content-disposition"] == 'attachment; filename="embudo-funnel-all.csv"'
    rows = list(csv.reader(io.StringIO(text.text)))
    assert rows[0] == ["channel", "stage", "section", "reached", "conversion"]
    assert len(rows) - 1 == page.count("<tr><td")
    book = client.get("/reports/funnel/download", params={**asked, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == rows[0] and len(cells) == len(rows)
    assert [str(value) for value in cells[1][:4]] == rows[1][:4]


def test_a_comparison_labels_each_period(client: TestClient) -> None:
    asked = {"period": "quarter", "compare": "previous", "format": "csv"}
    lines = client.get("/reports/health/download", params=asked).text.splitlines()
    assert lines[0].startswith("period,") and {line.split(",")[0] for line in lines[1:]} <= {
        "current",
        "previous",
    }


def test_unknown_reports_and_formats_are_pages_that_say_so(client: TestClient) -> None:
    missing = client.get("/reports/nope")
    assert missing.status_code == 404 and "the reports are: " in missing.text
    wrong = client.get("/reports/funnel/download", params={"format": "pdf"})
    assert wrong.status_code == 400 and "use csv or xlsx" in wrong.text
