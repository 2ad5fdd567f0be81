"""Running reports in tests: on the store, and on DuckDB over a snapshot of it, compared.

A plain module so each test reads as its story: build a history through the
real engine, run a report everywhere, check the numbers derived by hand.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from funnel_support import NOW

from embudo.analytics.engines import open_backend
from embudo.analytics.params import parse_params
from embudo.analytics.report import ReportResult, run_report
from embudo.analytics.reports import find_report
from embudo.io.parquet import export_parquet
from embudo.store.session import connect
from embudo.store.workspaces import open_workspace

WORKSPACE = "default"
Row = dict[str, Any]


def run(
    store_url: str, name: str, engine: str | None = None, now: datetime = NOW, **options: str
) -> ReportResult:
    """Report `name` with CLI-style options (`start`, `end`, `by`, `compare`, `mode`), at `now`."""
    backend = open_backend(store_url, engine)
    try:
        return run_report(find_report(name), backend, WORKSPACE, parse_params(**options), now)
    finally:
        backend.disconnect()


def snapshot(store_url: str, directory: Path) -> str:
    """Export the workspace to `directory`; the `--engine` value that reads it."""
    engine = connect(store_url)
    try:
        with engine.connect() as conn:
            export_parquet(conn, open_workspace(conn, WORKSPACE).id, directory)
    finally:
        engine.dispose()
    return f"duckdb:{directory}"


def everywhere(
    store_url: str, tmp_path: Path, name: str, now: datetime = NOW, **options: str
) -> list[Row]:
    """The report's rows on the store, asserted identical on DuckDB over its snapshot."""
    on_store = run(store_url, name, now=now, **options)
    duckdb = snapshot(store_url, tmp_path / "snapshot")
    on_duckdb = run(store_url, name, duckdb, now=now, **options)
    assert on_duckdb.columns == on_store.columns
    assert on_duckdb.rows == on_store.rows
    return on_store.rows
