"""CPU seconds of one report, steadier than wall time on a shared machine.

    .venv/bin/python bench/report_cpu.py attribution --db sqlite:///bench/out/r100k.db \
        [--engine duckdb:DIR [--ceiling]] [--runs 2]

Runs the report as `embudo report NAME` does with its default parameters
(`open_backend`, then `run_report`), `--runs` times in one process (the first
is cold), and prints per run the CPU seconds of this process
(`time.process_time()`: DuckDB's threads included), the wall seconds and the
load average when it ended. Modules are imported before the clock starts.

`--ceiling` (with `--engine duckdb:DIR`): after each run of the report, its
ceiling (`ceilings/NAME.sql`, as `report_worker.py ceiling` runs it) in the
same process, and at the end the least CPU seconds of each beside their
ratio — a shared machine slows both alike, where separate processes at
separate moments are slowed differently.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis  # noqa: F401  # imported before the clock starts, as the CLI has by then

from embudo.analytics.engines import open_backend
from embudo.analytics.params import ReportParams
from embudo.analytics.report import run_report
from embudo.analytics.reports import find_report
from report_rows import NOW
from report_worker import run_ceiling

DUCKDB = "duckdb:"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--db", required=True, help="the store's URL")
    parser.add_argument("--engine", help="duckdb:DIR, a Parquet snapshot")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--ceiling", action="store_true", help="its ceiling after each run")
    options = parser.parse_args()
    report = find_report(options.report)
    ceiling = _snapshot(options) if options.ceiling else None
    least = {"report": float("inf"), "ceiling": float("inf")}

    def once() -> list[Any]:
        backend = open_backend(options.db, options.engine)
        return run_report(report, backend, "default", ReportParams(), now=NOW).rows

    for run in range(options.runs):
        found = _measured(once)
        print(f"run {run + 1}: {found}")
        least["report"] = min(least["report"], found.cpu)
        if ceiling is not None:
            beside = _measured(lambda: run_ceiling(options.report, ceiling))
            print(f"  ceiling: {beside}")
            least["ceiling"] = min(least["ceiling"], beside.cpu)
    if ceiling is not None:
        ratio = least["report"] / least["ceiling"]
        print(
            f"least CPU s: report {least['report']:.3f}, ceiling {least['ceiling']:.3f}, "
            f"{ratio:.2f}x"
        )


@dataclass(frozen=True, slots=True)
class Measured:
    cpu: float
    wall: float
    rows: int
    load: float

    def __str__(self) -> str:
        return (
            f"{self.cpu:.2f} CPU s, {self.wall:.2f} s wall, {self.rows} rows, load {self.load:.1f}"
        )


def _measured(work: Callable[[], list[Any]]) -> Measured:
    """CPU and wall seconds of `work`, its rows and the load average when it ended."""
    cpu, wall = time.process_time(), time.perf_counter()
    rows = len(work())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Measured(cpu, wall, rows, os.getloadavg()[0])


def _snapshot(options: argparse.Namespace) -> Path:
    engine = options.engine or ""
    if not engine.startswith(DUCKDB):
        raise SystemExit("--ceiling reads the snapshot: give --engine duckdb:DIR")
    return Path(engine[len(DUCKDB) :])


if __name__ == "__main__":
    main()
