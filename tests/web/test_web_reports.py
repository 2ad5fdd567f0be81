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


def test_grouping_by_a_contact_property_shows_a_row_per_value(client: TestClient) -> None:
    asked = {"by": "property", "property": "country", "period": "all", "format": "csv"}
    rows = list(csv.reader(io.StringIO(client.get("/reports/funnel/download", params=asked).text)))
    assert rows[0][0] == "country"
    countries = {row[0] for row in rows[1:]}
    assert len(countries) > 1 and all(len(code) == 2 for code in countries if code)
    page = client.get("/reports/funnel", params={"by": "property", "property": "country"})
    assert page.status_code == 200
    assert '<option value="property" selected>A contact property</option>' in page.text
    assert 'name="property" type="text" value="country"' in page.text
    cli_style = client.get("/reports/funnel", params={"by": "property:country"})
    assert cli_style.status_code == 200 and 'value="country"' in cli_style.text


@pytest.mark.parametrize(
    ("name", "told"),
    [
        ("", "Enter the name of a contact property, like country."),
        ("1 country", "A property name starts with a letter or _, then letters, digits"),
    ],
)
def test_a_missing_or_malformed_property_is_said_beside_its_field(
    client: TestClient, name: str, told: str
) -> None:
    page = client.get("/reports/funnel", params={"by": "property", "property": name})
    assert page.status_code == 422
    assert f'<p class="field-error" id="report-property-error">{told}' in page.text
    assert 'aria-describedby="report-property-error"' in page.text
    assert "Correct the form above to see the report." in page.text
    htmx = client.get(
        "/reports/funnel",
        params={"by": "property", "property": name},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 422 and 'hx-swap-oob="true"' in htmx.text
    assert f'id="report-property-error">{told}' in htmx.text
    spanish = client.get("/reports/funnel", params={"by": "property", "lang": "es"})
    assert "Escribe el nombre de una propiedad del contacto, como country." in spanish.text
    download = client.get("/reports/funnel/download", params={"by": "property", "property": name})
    assert download.status_code == 400 and "is not the name of a contact property" in download.text
