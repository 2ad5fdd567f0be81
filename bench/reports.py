"""Report benchmark: each report's time and memory per engine, beside a hand-written DuckDB query.

For every report in the registry (`embudo.analytics.reports.REPORTS`, so a
report added later is measured too) and every engine asked for (the SQLite
store, the PostgreSQL store, DuckDB over the Parquet snapshot), one process
(`report_worker.py`) runs the report with its default parameters; beside it,
`ceilings/NAME.sql` — a plain DuckDB query over the same Parquet files giving
the same figures — is the ceiling, and its numbers are checked against the
report's on every engine. The snapshot's export from the SQLite store is
timed too. Build the stores first with `report_data.py`. Prints a table and
appends every measurement to bench/out/reports.jsonl.

    .venv/bin/python bench/reports.py [--engines sqlite,postgres,duckdb] [--reports a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from embudo.analytics.reports import REPORTS
from measured import measured_commit
from report_check import differences
from report_data import schema_url

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
WORKER = HERE / "report_worker.py"
CEILINGS = HERE / "ceilings"
ENGINES = ("sqlite", "postgres", "duckdb")
GRACE_SECONDS = 30

Result = dict[str, Any]


def main(argv: list[str] | None = None) -> int:
    """Export, then each report on each engine beside its ceiling; 1 when one failed or differed."""
    args = _arguments(argv)
    commit, load = measured_commit(), os.getloadavg()[0]
    lines = [_header(args, commit, load)]
    if not args.no_export:
        exported = _run(args, ["export", "--engine", "sqlite"])
        _record(args, commit, load, exported)
        lines.append(f"{'(export)':<14}{'sqlite':<10}{_seconds(exported, 'seconds'):>9}")
    failures = 0
    for name in args.reports:
        ceiling = _run(args, ["ceiling", name]) if (CEILINGS / f"{name}.sql").is_file() else None
        _record(args, commit, load, ceiling)
        for engine in args.engines:
            result = _run(args, ["report", name, "--engine", engine])
            check = _check(result, ceiling)
            _record(args, commit, load, result, check)
            failures += result is None or check.startswith("differs")
            lines.append(_row(name, engine, result, ceiling, check))
    print("\n".join(lines))
    return 1 if failures else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engines", default=",".join(ENGINES), help="sqlite,postgres,duckdb")
    parser.add_argument("--reports", default=",".join(REPORTS), help="default: every report")
    parser.add_argument("--sqlite", type=Path, default=OUT / "reports.db", help="the SQLite store")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--schema", default="bench_reports", help="the PostgreSQL store's schema")
    parser.add_argument("--snapshot", type=Path, default=OUT / "reports-parquet")
    parser.add_argument("--no-export", action="store_true", help="reuse the snapshot there is")
    parser.add_argument("--runs", type=int, default=2, help="runs per process (the first is cold)")
    parser.add_argument("--time-limit", type=float, default=1800.0, help="seconds per process")
    args = parser.parse_args(argv)
    args.engines = [engine for engine in args.engines.split(",") if engine]
    args.reports = [name for name in args.reports.split(",") if name]
    return args


def _run(args: argparse.Namespace, what: list[str]) -> Result | None:
    """One worker process; its JSON result, or None when it failed or ran out of time."""
    engine = what[what.index("--engine") + 1] if "--engine" in what else "duckdb"
    store = schema_url(args.postgres_url, args.schema) if engine == "postgres" else None
    command = [sys.executable, str(WORKER), *what, "--runs", str(args.runs)]
    command += ["--store", store or f"sqlite:///{args.sqlite}", "--snapshot", str(args.snapshot)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as worker:
        try:
            output, _ = worker.communicate(timeout=args.time_limit)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate(timeout=GRACE_SECONDS)
            print(f"{' '.join(what)}: over {args.time_limit:.0f} s, stopped", file=sys.stderr)
            return None
    if worker.returncode != 0:
        print(f"{' '.join(what)}: failed (exit {worker.returncode})", file=sys.stderr)
        return None
    result: Result = json.loads(output.strip().splitlines()[-1])
    return result


def _check(result: Result | None, ceiling: Result | None) -> str:
    """`same` when the report's numbers equal the ceiling's, else what differs."""
    if result is None or ceiling is None:
        return "-"
    found = differences(result["rows"], ceiling["rows"])
    return "same" if not found else f"differs: {found[0]}"


def _record(
    args: argparse.Namespace, commit: str, load: float, result: Result | None, check: str = ""
) -> None:
    """Append one measurement (without its rows) to bench/out/reports.jsonl."""
    if result is None:
        return
    OUT.mkdir(parents=True, exist_ok=True)
    line = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "load_average": load,
        "store": str(args.sqlite),
        **{key: value for key, value in result.items() if key != "rows"},
        "row_count": len(result["rows"]),
        "check": check,
    }
    with (OUT / "reports.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(line) + "\n")


def _header(args: argparse.Namespace, commit: str, load: float) -> str:
    return (
        f"commit {commit}, load average {load:.1f} on {os.cpu_count()} cores, "
        f"snapshot {args.snapshot}\n"
        f"{'report':<14}{'engine':<10}{'cold s':>9}{'warm s':>9}{'ceiling s':>11}"
        f"{'÷ ceiling':>11}{'RSS MiB':>9}{'ceil. RSS':>11}  check"
    )


def _row(name: str, engine: str, result: Result | None, ceiling: Result | None, check: str) -> str:
    ratio = "-"
    if result and ceiling and ceiling["seconds"]:
        ratio = f"{result['seconds'] / ceiling['seconds']:.1f}x"
    return (
        f"{name:<14}{engine:<10}{_seconds(result, 'cold_seconds'):>9}"
        f"{_seconds(result, 'seconds'):>9}{_seconds(ceiling, 'seconds'):>11}{ratio:>11}"
        f"{_mib(result):>9}{_mib(ceiling):>11}  {check}"
    )


def _seconds(result: Result | None, key: str) -> str:
    return f"{result[key]:.2f}" if result else "-"


def _mib(result: Result | None) -> str:
    return f"{result['rss_peak_kib'] / 1024:.0f}" if result else "-"


if __name__ == "__main__":
    sys.exit(main())
