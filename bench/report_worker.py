"""One measurement of the report benchmark, run in a process of its own.

- `report NAME --engine sqlite|postgres|duckdb`: `embudo report NAME` with
  its default parameters (all history, no grouping), as the CLI runs it:
  open the Ibis backend (`analytics.engines.open_backend`), then
  `run_report`.
- `ceiling NAME`: the hand-written DuckDB SQL `ceilings/NAME.sql` over the
  same Parquet files (a view per file, as `--engine duckdb:DIR` makes them).
- `floor NAME`: the hand-written SQLite SQL `floors/NAME.sql` on the SQLite
  store, through the standard library's `sqlite3` (the SQLite SQLAlchemy
  uses): the least the report asks of SQLite, where a report misses its aim
  there — how fast SQLite itself does that much.
- `export`: `embudo export parquet DIR` from the SQLite store.

The wall time covers opening the backend and running (not importing the
modules). Each measurement runs twice in its process: `cold_seconds` is the
first run, which also pays for what Ibis, sqlglot and DuckDB load on first
use — what one `embudo report` command sees — and `seconds` the second, the
cost of the data (what a long-running API process sees). Memory is
`ru_maxrss`, this process's resident-set high-water mark, read after the
imports (`rss_setup_kib`) and at the end. The result, rows included, is one
JSON line on standard output.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import ibis  # noqa: F401  # imported before the clock starts, as the CLI has by then
from sqlalchemy import make_url, select

from embudo.analytics.engines import open_backend
from embudo.analytics.params import ReportParams
from embudo.analytics.report import run_report
from embudo.analytics.reports import find_report
from embudo.io.parquet import export_parquet
from embudo.store.session import connect
from embudo.store.tables import workspaces
from report_rows import NOW

CEILINGS = Path(__file__).resolve().parent / "ceilings"
FLOORS = Path(__file__).resolve().parent / "floors"
WORKSPACE = "default"


@dataclass(slots=True)
class Measurement:
    """What one run measured; RSS figures are `ru_maxrss` high-water marks in KiB."""

    kind: str
    report: str
    engine: str
    cold_seconds: float = 0.0
    seconds: float = 0.0
    rss_setup_kib: int = 0
    rss_peak_kib: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(result: Measurement, work: Callable[[], list[dict[str, Any]]], runs: int) -> None:
    """Run `work` `runs` times: its rows, the first and last wall times, memory around them."""
    result.rss_setup_kib = peak_rss_kib()
    for run in range(runs):
        started = time.perf_counter()
        result.rows = work()
        result.seconds = time.perf_counter() - started
        result.cold_seconds = result.cold_seconds if run else result.seconds
    result.rss_peak_kib = peak_rss_kib()


def run_one_report(name: str, store: str, snapshot: Path, engine: str) -> list[dict[str, Any]]:
    """`embudo report NAME` on the store, or on DuckDB over the snapshot, as of the
    fixture's `NOW` (where reports about what stands open look)."""
    backend = open_backend(store, f"duckdb:{snapshot}" if engine == "duckdb" else None)
    result = run_report(find_report(name), backend, WORKSPACE, ReportParams(), NOW)
    return result.rows


def run_ceiling(name: str, snapshot: Path) -> list[dict[str, Any]]:
    """The hand-written query over the snapshot's Parquet files, its rows as dicts."""
    con = duckdb.connect()
    for path in sorted(snapshot.glob("*.parquet")):
        con.execute(f"CREATE VIEW {path.stem} AS SELECT * FROM read_parquet('{path}')")
    cursor = con.execute((CEILINGS / f"{name}.sql").read_text(encoding="utf-8"))
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_floor(name: str, store: str) -> list[dict[str, Any]]:
    """The hand-written query on the SQLite store itself, its rows as dicts."""
    database = make_url(store).database
    assert database, f"floor {name} reads a SQLite store: give --store sqlite:///FILE"
    with closing(sqlite3.connect(database)) as con:
        cursor = con.execute((FLOORS / f"{name}.sql").read_text(encoding="utf-8"))
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_export(store: str, snapshot: Path) -> list[dict[str, Any]]:
    """The snapshot `embudo export parquet` writes; one row per table with its row count."""
    engine = connect(store)
    with engine.connect() as conn:
        workspace_id = conn.scalar(select(workspaces.c.id).where(workspaces.c.name == WORKSPACE))
        assert workspace_id is not None
        written = export_parquet(conn, int(workspace_id), snapshot)
    engine.dispose()
    return [{"table": item.table, "rows": item.rows} for item in written]


def _json(value: Any) -> Any:
    """Amounts as JSON numbers, dates and the rest as text."""
    return float(value) if isinstance(value, Decimal) else str(value)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=["report", "ceiling", "floor", "export"])
    parser.add_argument("report", nargs="?", default="-")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "duckdb"], default="duckdb")
    parser.add_argument("--store", required=True, help="the store's URL (SQLite or PostgreSQL)")
    parser.add_argument(
        "--snapshot", type=Path, required=True, help="the Parquet snapshot's folder"
    )
    parser.add_argument("--runs", type=int, default=2, help="runs in this process (first = cold)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run one measurement and print it as a JSON line."""
    args = arguments(argv)
    engine = {"ceiling": "duckdb", "floor": "sqlite"}.get(args.kind, args.engine)
    result = Measurement(args.kind, args.report, engine)
    timed(result, _work(args), 1 if args.kind == "export" else args.runs)
    print(json.dumps(asdict(result), default=_json))


def _work(args: argparse.Namespace) -> Callable[[], list[dict[str, Any]]]:
    if args.kind == "report":
        return lambda: run_one_report(args.report, args.store, args.snapshot, args.engine)
    if args.kind == "ceiling":
        return lambda: run_ceiling(args.report, args.snapshot)
    if args.kind == "floor":
        return lambda: run_floor(args.report, args.store)
    return lambda: run_export(args.store, args.snapshot)


if __name__ == "__main__":
    main()
