"""`embudo report` and `embudo export parquet` as people run them: formats, engines, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from command_line import embudo
from openpyxl import load_workbook

LEAD = {
    "type": "identify",
    "messageId": "m-ana",
    "userId": "ana",
    "timestamp": "2026-10-02T09:00:00Z",
    "traits": {"email": "ana@example.com"},
}


@pytest.fixture
def won(tmp_path: Path, store_url: str) -> Path:
    """The clinic template, one lead and one deal of 1,200.50, won."""
    steps = [
        ("init", "--template", "clinic"),
        ("deal", "create", "ana", "--pipeline", "treatment", "--amount", "1200.50"),
        ("deal", "won", "1"),
    ]
    assert embudo(tmp_path, *steps[0], "--db", store_url).returncode == 0
    ingested = embudo(tmp_path, "ingest", "-", "--db", store_url, stdin=json.dumps(LEAD) + "\n")
    assert ingested.returncode == 0, ingested.stderr
    for step in steps[1:]:
        done = embudo(tmp_path, *step, "--db", store_url)
        assert done.returncode == 0, done.stderr
    return tmp_path


def _json(folder: Path, *args: str) -> dict[str, Any]:
    done = embudo(folder, "report", "health", "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def test_json_on_the_store_and_on_its_snapshot(won: Path, store_url: str) -> None:
    exported = embudo(won, "export", "parquet", "snap", "--db", store_url)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("wrote 17 tables, ")
    on_store = _json(won, "--by", "pipeline", "--db", store_url)
    on_duckdb = _json(won, "--by", "pipeline", "--engine", f"duckdb:{won / 'snap'}")
    assert on_duckdb == on_store
    assert on_store["report"] == "health"
    assert on_store["params"] == {
        "from": None,
        "to": None,
        "by": "pipeline",
        "compare": None,
        "mode": "cohort",
    }
    [row] = on_store["rows"]
    assert row["pipeline"] == "treatment"
    assert (row["open_deals"], row["won_deals"], row["lost_deals"]) == (0, 1, 0)
    assert (row["win_rate"], row["avg_deal_size"]) == (1.0, 1200.5)


def test_files_in_every_format(won: Path, store_url: str) -> None:
    for kind in ("csv", "xlsx", "parquet", "table"):
        done = embudo(
            won, "report", "health", "--format", kind, "--output", f"h.{kind}", "--db", store_url
        )
        assert done.returncode == 0, done.stderr
    assert (won / "h.csv").read_text().splitlines()[0].startswith("open_deals,won_deals,")
    sheet = load_workbook(won / "h.xlsx").active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]][1:3] == [1, 0]
    assert pq.read_table(won / "h.parquet").column("avg_deal_size").to_pylist()[0] == 1200.5
    assert "win_rate" in (won / "h.table").read_text()


def test_an_empty_result_is_an_empty_table(tmp_path: Path, store_url: str) -> None:
    assert embudo(tmp_path, "init", "--template", "clinic", "--db", store_url).returncode == 0
    done = embudo(tmp_path, "report", "health", "--db", store_url)
    assert done.returncode == 0, done.stderr
    assert "open_deals" in done.stdout
    assert _json(tmp_path, "--db", store_url)["rows"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "error: no report 'nope' — the reports are: "),
        (("health", "--by", "colour"), "error: --by 'colour' is not a dimension"),
        (("health", "--from", "2026-02-01", "--to", "2026-01-31"), "error: --from 2026-02-01 is"),
        (("health", "--from", "yesterday"), "error: --from 'yesterday' is not a date"),
        (("health", "--compare", "previous"), "error: --compare previous needs --from and --to"),
        (("health", "--format", "xlsx"), "error: --format xlsx writes a file"),
        (("health", "--mode", "period"), "error: report health has no --mode period"),
        (("funnel", "--mode", "weekly"), "error: --mode 'weekly' is not known"),
        (("funnel", "--by", "pipeline"), "error: report funnel cannot be grouped by pipeline"),
        (("health", "--engine", "spark:x"), "error: --engine 'spark:x' is not known"),
        (
            ("attribution", "--model", "halves"),
            "error: --model 'halves' is not known — use one of: first-touch, last-touch, "
            "linear, u-shaped, w-shaped, time-decay",
        ),
        (("attribution", "--half-life", "0"), "error: --half-life '0' is not a number of days"),
        (("attribution", "--model", "linear", "--half-life", "3"), "error: --half-life weighs"),
        (("health", "--model", "linear"), "error: report health takes no --model or --half-life"),
        (("health", "--engine", "duckdb:nowhere"), "error: nowhere holds no snapshot"),
        (("health",), "error: the database file none.db does not exist"),
    ],
)
def test_bad_input_is_one_error_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = embudo(tmp_path, "report", *args, "--db", "sqlite:///none.db")
    assert done.returncode == 1
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_migrated_database_without_workspace(tmp_path: Path, store_url: str) -> None:
    done = embudo(tmp_path, "report", "health", "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.startswith("error: no workspace 'default' here")
