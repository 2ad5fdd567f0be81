"""Ingest benchmark: events/s through the engine beside the database's own ceiling.

For each backend, two measurements, each in a process of its own
(`ingest_worker.py`): the synthetic Segment stream of `ingest_stream.py`
through `embudo.engine.ingest.ingest`, and the same event rows inserted with
plain SQLAlchemy Core executemany. Prints the rates, their ratio and the peak
memory (after 10% of the messages and at the end, to show whether it grows
with the number of events), and appends the figures to bench/out/ingest.jsonl.

    .venv/bin/python bench/ingest.py [--messages N] [--contacts N]
        [--backend sqlite|postgres|both] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from embudo.engine.ingest import BATCH_SIZE
from ingest_worker import OUT
from measured import measured_commit

WORKER = Path(__file__).resolve().parent / "ingest_worker.py"
POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
KINDS = ("engine", "ceiling")
GRACE_SECONDS = 30


def main(argv: list[str] | None = None) -> int:
    """Run every measurement asked for and print the table; 1 when one of them failed."""
    args = _arguments(argv)
    commit = measured_commit()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[tuple[str, str], dict[str, Any] | None] = {}
    for backend in backends:
        for kind in KINDS:
            results[backend, kind] = result = _run_worker(args, backend, kind)
            if result:
                _record(args, commit, result)
    print(_table(args, commit, backends, results))
    return 0 if all(results.values()) else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Ingest throughput: engine vs raw inserts.")
    parser.add_argument("--messages", type=int, default=1_000_000, help="track messages")
    parser.add_argument("--contacts", type=int, default=100_000, help="distinct contacts")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="a database to add a schema")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument(
        "--time-limit", type=float, default=3600.0, help="seconds allowed per measurement"
    )
    return parser.parse_args(argv)


def _run_worker(args: argparse.Namespace, backend: str, kind: str) -> dict[str, Any] | None:
    """One measurement in a fresh interpreter; None when it failed or ran out of time."""
    command = [sys.executable, str(WORKER), kind, "--backend", backend]
    command += ["--messages", str(args.messages), "--contacts", str(args.contacts)]
    command += ["--batch-size", str(args.batch_size), "--postgres-url", args.postgres_url]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as worker:
        try:
            output, _ = worker.communicate(timeout=args.time_limit)
        except subprocess.TimeoutExpired:
            print(f"{backend} {kind}: over {args.time_limit:.0f} s, stopped", file=sys.stderr)
            worker.terminate()
            worker.communicate(timeout=GRACE_SECONDS)
            return None
    if worker.returncode != 0:
        print(f"{backend} {kind}: failed (exit {worker.returncode})", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _record(args: argparse.Namespace, commit: str, result: dict[str, Any]) -> None:
    """Append one measurement to bench/out/ingest.jsonl as soon as it is made."""
    OUT.mkdir(parents=True, exist_ok=True)
    line = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "track_messages": args.messages,
        "contacts": args.contacts,
        "batch_size": args.batch_size,
        **result,
    }
    with (OUT / "ingest.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(line) + "\n")


def _table(
    args: argparse.Namespace,
    commit: str,
    backends: list[str],
    results: dict[tuple[str, str], dict[str, Any] | None],
) -> str:
    title = (
        f"{args.messages:,} track messages over {args.contacts:,} contacts, "
        f"batches of {args.batch_size:,}, commit {commit}"
    )
    header = (
        f"{'backend':<9}{'events':>11}{'engine/s':>10}{'ceiling/s':>11}{'ratio':>7}"
        f"{'engine/s 1st 10%':>18}{'RSS@10%':>10}{'RSS peak':>10}{'ceiling RSS':>13}"
    )
    lines = [title, header]
    for backend in backends:
        lines.append(_row(backend, results[backend, "engine"], results[backend, "ceiling"]))
    lines.append("RSS: ru_maxrss high-water mark of the measuring process, MiB.")
    return "\n".join(lines)


def _row(backend: str, engine: dict[str, Any] | None, ceiling: dict[str, Any] | None) -> str:
    engine_rate = _rate(engine)
    ceiling_rate = _rate(ceiling)
    ratio = f"{engine_rate / ceiling_rate:.1%}" if engine_rate and ceiling_rate else "-"
    early = _early_rate(engine)
    return (
        f"{backend:<9}{_count(engine):>11}{_number(engine_rate):>10}{_number(ceiling_rate):>11}"
        f"{ratio:>7}{_number(early):>18}{_mib(engine, 'rss_early_kib'):>10}"
        f"{_mib(engine, 'rss_peak_kib'):>10}{_mib(ceiling, 'rss_peak_kib'):>13}"
    )


def _rate(result: dict[str, Any] | None) -> float | None:
    if not result or not result["seconds"]:
        return None
    return float(result["stored"]) / float(result["seconds"])


def _early_rate(result: dict[str, Any] | None) -> float | None:
    if not result or not result["early_seconds"]:
        return None
    return float(result["early_messages"]) / float(result["early_seconds"])


def _count(result: dict[str, Any] | None) -> str:
    return f"{result['stored']:,}" if result else "-"


def _number(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "-"


def _mib(result: dict[str, Any] | None, key: str) -> str:
    return f"{result[key] / 1024:,.0f}" if result else "-"


if __name__ == "__main__":
    sys.exit(main())
