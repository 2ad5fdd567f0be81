"""`/api/v1/reports`: the registry, every report as the CLI gives it, downloads, refusals.

The history is built through the real engine (`clinic_deals`: four deals in
March and April 2024), so the API's JSON can be compared with what
`embudo report NAME --format json` prints for the same database.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from api_support import assert_problem, make_key, make_workspace
from command_line import embudo
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from report_support import clinic_deals
from sqlalchemy import Engine

from embudo.analytics.reports import REPORTS
from embudo.api.app import create_app
from embudo.domain.access import Role

URL = "/api/v1/reports"
SPRING = {"from": "2024-03-01", "to": "2024-04-30"}


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    clinic_deals(store)
    with TestClient(create_app(engine=store)) as client:
        client.headers["Authorization"] = f"Bearer {make_key(store, role=Role.READ)}"
        yield client


def _cli_json(store_url: str, cwd: Path, name: str, params: dict[str, str]) -> str:
    options = [part for key, value in params.items() for part in (f"--{key}", value)]
    done = embudo(cwd, "report", name, *options, "--format", "json", "--db", store_url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_registry_lists_every_report_with_its_parameters(client: TestClient) -> None:
    listed = client.get(URL)

    assert listed.status_code == 200, listed.text
    reports = {report["name"]: report for report in listed.json()}
    assert list(reports) == list(REPORTS)
    assert reports["funnel"]["modes"] == ["cohort", "period"]
    assert reports["health"]["modes"] == ["cohort"]
    assert "pipeline" in reports["health"]["dimensions"]
    assert reports["health"]["columns"][-1] == "velocity_per_day"
    assert reports["attribution"]["models"] == [
        "first-touch",
        "last-touch",
        "linear",
        "u-shaped",
        "w-shaped",
        "time-decay",
    ]
    assert reports["health"]["models"] == []


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("health", {**SPRING, "by": "pipeline", "compare": "previous"}),
        ("funnel", {**SPRING, "mode": "period"}),
        ("winloss", {}),
        ("attribution", {"model": "time-decay", "half-life": "3"}),
    ],
)
def test_the_json_is_the_clis_for_the_same_data(
    client: TestClient, store_url: str, tmp_path: Path, name: str, params: dict[str, str]
) -> None:
    """Periods in the past (or none with no report looking at the present): `now` cannot differ."""
    answered = client.get(f"{URL}/{name}", params=params)

    assert answered.status_code == 200, answered.text
    assert answered.headers["content-type"] == "application/json"
    assert answered.text == _cli_json(store_url, tmp_path, name, params)
    body = answered.json()
    assert (body["report"], body["params"]["from"]) == (name, params.get("from"))


def test_health_by_pipeline_holds_the_hand_derived_numbers(client: TestClient) -> None:
    """Treatment: ana won (1,000, 10 days), bob lost, dee won (2,000, 20 days)."""
    rows = client.get(f"{URL}/health", params={"by": "pipeline"}).json()["rows"]

    treatment = next(row for row in rows if row["pipeline"] == "treatment")
    assert (treatment["won_deals"], treatment["lost_deals"]) == (2, 1)
    assert (treatment["avg_deal_size"], treatment["avg_days_to_close"]) == (1500.0, 15.0)


def test_csv_xlsx_and_parquet_are_downloads(client: TestClient) -> None:
    csv = client.get(f"{URL}/health", params={"format": "csv", "by": "pipeline"})
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"] == 'attachment; filename="health.csv"'
    header, *lines = csv.text.splitlines()
    assert header.startswith("pipeline,open_deals,") and len(lines) == 2

    xlsx = client.get(f"{URL}/health", params={"format": "xlsx"})
    assert xlsx.headers["content-disposition"] == 'attachment; filename="health.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.title == "health"
    assert [cell.value for cell in sheet[1]][:2] == ["open_deals", "won_deals"]
    assert [cell.value for cell in sheet[2]][:3] == [1, 2, 1]

    parquet = client.get(f"{URL}/health", params={"format": "parquet"})
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    assert pq.read_table(io.BytesIO(parquet.content)).column("won_deals").to_pylist() == [2]


@pytest.mark.parametrize(
    ("path", "params", "status", "detail"),
    [
        ("nope", {}, 404, "no report 'nope' — the reports are: attribution"),
        ("health", {"from": "yesterday"}, 422, "--from 'yesterday' is not a date"),
        ("health", {"mode": "period"}, 422, "report health has no --mode period"),
        ("health", {"by": "weather"}, 422, "--by 'weather' is not a dimension"),
        ("stalled", {"compare": "previous"}, 422, "--compare previous needs --from and --to"),
        ("health", {"format": "pdf"}, 422, "format"),
        ("attribution", {"model": "halves"}, 422, "--model 'halves' is not known — use one of"),
        ("attribution", {"half-life": "soon"}, 422, "--half-life 'soon' is not a number of days"),
        ("pipeline", {"model": "linear"}, 422, "report pipeline takes no --model"),
    ],
)
def test_bad_parameters_are_problems_with_the_clis_message(
    client: TestClient, path: str, params: dict[str, str], status: int, detail: str
) -> None:
    body = assert_problem(client.get(f"{URL}/{path}", params=params), status)
    assert detail in body["detail"]


def test_a_report_needs_a_read_key_and_sees_its_own_workspace(
    store: Engine, client: TestClient
) -> None:
    intake = {"Authorization": f"Bearer {make_key(store, role=Role.INTAKE)}"}
    assert_problem(client.get(f"{URL}/health", headers=intake), 403)
    assert_problem(client.get(URL, headers={"Authorization": "Bearer nope"}), 401)
    make_workspace(store, "other")
    outsider = {"Authorization": f"Bearer {make_key(store, 'other', Role.READ)}"}
    assert client.get(f"{URL}/health", headers=outsider).json()["rows"] == []
