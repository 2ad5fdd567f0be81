"""Every report, on a simulated year of a clinic (Europe/Rome), gives the same rows everywhere.

The demo's history has what hand-made stories lack: microsecond timestamps,
channels, campaigns, owners, recycled and disqualified contacts, deals
reopened. Each backend's results must equal DuckDB's over its snapshot; and
since the simulation is deterministic, the SQLite and PostgreSQL runs must
equal each other too: each run leaves its results in the session's temporary
folder and compares them with the other backend's when that one is there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from report_support import everywhere
from sqlalchemy import Engine

from embudo.demo.run import DemoPlan, run_demo
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 15, tzinfo=UTC)
CASES: list[tuple[str, dict[str, str]]] = [
    ("health", {}),
    ("health", {"by": "channel"}),
    ("health", {"by": "owner", "start": "2025-04-01", "end": "2025-09-30"}),
    ("health", {"by": "month", "start": "2025-01-01", "end": "2025-12-31"}),
    ("funnel", {"by": "campaign"}),
    ("funnel", {"start": "2025-03-01", "end": "2025-05-31", "compare": "previous"}),
    ("funnel", {"mode": "period", "by": "month"}),
    ("flow", {"by": "channel"}),
    ("flow", {"start": "2025-06-01", "end": "2025-06-30"}),
    ("pipeline", {}),
    ("pipeline", {"by": "owner", "end": "2025-08-31"}),
    ("health", {"by": "property:treatment"}),
    ("funnel", {"by": "property:age"}),
    ("sla", {"start": "2025-01-01", "end": "2025-12-31"}),
    ("lead-velocity", {"by": "channel"}),
    ("attribution", {}),
    ("time-in-stage", {"by": "owner"}),
    ("stalled", {}),
    ("forecast", {}),
    ("winloss", {"by": "channel", "start": "2025-01-01", "end": "2025-12-31"}),
    # All history, no grouping: what reads whole tables and skips the contacts on SQLite.
    ("flow", {}),
    ("lead-velocity", {}),
    ("time-in-stage", {}),
]


@pytest.fixture
def clinic_year(store: Engine) -> Engine:
    loaded = parse_spec(template_text("clinic"), "clinic.yaml")
    with store.begin() as conn:
        apply_spec(conn, "default", loaded.document, loaded.source, now=NOW)
    summary = run_demo(store, "default", loaded.spec, DemoPlan(800, seed=1, start=START), now=NOW)
    assert summary.ingested.rejected == 0
    return store


def test_every_report_agrees_on_every_engine(
    clinic_year: Engine,
    store_url: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    results = [
        _plain(everywhere(store_url, tmp_path, name, NOW, **options)) for name, options in CASES
    ]
    filled = (0, 1, 4, 6, 7, 9, 11, *range(13, len(CASES)))
    assert all(results[index] for index in filled), "the demo should fill them"
    assert {row["age"] for row in results[12]} == {None}, "a number is not a text trait"
    assert len({row["treatment"] for row in results[11]}) > 2
    _compare_across_backends(tmp_path_factory, store_url, results)


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as JSON would carry them (Decimal as text), to store and compare."""
    return json.loads(json.dumps(rows, default=str))  # type: ignore[no-any-return]


def _compare_across_backends(
    factory: pytest.TempPathFactory, store_url: str, results: list[Any]
) -> None:
    folder = factory.getbasetemp() / "engines_agree"
    folder.mkdir(exist_ok=True)
    mine = "postgres" if store_url.startswith("postgresql") else "sqlite"
    (folder / f"{mine}.json").write_text(json.dumps(results))
    other = folder / ("sqlite.json" if mine == "postgres" else "postgres.json")
    if other.exists():
        assert json.loads(other.read_text()) == results
