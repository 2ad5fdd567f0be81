"""CPU seconds of one report, steadier than wall time on a shared machine.

    .venv/bin/python bench/report_cpu.py attribution --db sqlite:///bench/out/r100k.db \
        [--engine duckdb:DIR] [--runs 2]

Runs the report as `embudo report NAME` does with its default parameters
(`open_backend`, then `run_report`), `--runs` times in one process (the first
is cold), and prints per run the CPU seconds of this process
(`time.process_time()`: DuckDB's threads included), the wall seconds and the
load average when it ended. Modules are imported before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import time

import ibis  # noqa: F401  # imported before the clock starts, as the CLI has by then

from embudo.analytics.engines import open_backend
from embudo.analytics.params import ReportParams
from embudo.analytics.report import run_report
from embudo.analytics.reports import find_report
from report_rows import NOW


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--db", required=True, help="the store's URL")
    parser.add_argument("--engine", help="duckdb:DIR, a Parquet snapshot")
    parser.add_argument("--runs", type=int, default=2)
    options = parser.parse_args()
    report = find_report(options.report)
    for run in range(options.runs):
        cpu, wall = time.process_time(), time.perf_counter()
        backend = open_backend(options.db, options.engine)
        rows = len(run_report(report, backend, "default", ReportParams(), now=NOW).rows)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        load = os.getloadavg()[0]
        print(f"run {run + 1}: {cpu:.2f} CPU s, {wall:.2f} s wall, {rows} rows, load {load:.1f}")


if __name__ == "__main__":
    main()
