"""Overview page latency: the dashboard's `/` as a browser asks for it, cold and warm.

Starts the real server (uvicorn with `--workers N`, the app of `embudo
serve`, see `overview_app.py` for the clock) on a free loopback port over
`--db`, empties the workspace's report cache, then asks for the overview
with one keep-alive HTTP client, one request at a time, each timed from
sending to the whole answer:

- **cold** — the first request: nothing cached, every report computed;
- **warm** — the next `--requests`: p50, p95, p99 and max.

With `--write-every K`, every K-th warm request follows a write to the
store (a lifecycle move appended through SQL, as an ingestion would), so
the cache is stale and a refresh runs in the background while requests go
on: what continuous ingestion costs the page. The store must be a copy the
benchmark may write to (the cache is a table in it).

    .venv/bin/python bench/overview.py --db sqlite:///bench/out/reports.db \\
        [--workspace default] [--now 2026-01-30T12:00:00] [--period quarter] \\
        [--requests 100] [--workers 2] [--write-every K]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2
from sqlalchemy import ColumnElement, delete, func, insert, select

from embudo.store import tables
from embudo.store.schema import upgrade
from embudo.store.session import connect, for_writing
from overview_app import NOW_VARIABLE
from serving import free_port, serving

TIMEOUT_SECONDS = 1800.0


@dataclass(frozen=True, slots=True)
class Latencies:
    cold_ms: float
    warm_ms: list[float]

    def summary(self) -> dict[str, float]:
        cuts = statistics.quantiles(self.warm_ms, n=100, method="inclusive")
        return {
            "cold_ms": round(self.cold_ms, 1),
            "p50_ms": round(cuts[49], 1),
            "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(self.warm_ms), 1),
            "requests": len(self.warm_ms),
        }


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    _prepare(args.db, args.workspace)
    port = free_port()
    with serving(_command(args, port), port, _environment(args)):
        latencies = _measure(args, port)
    summary = {"db": args.db, "period": args.period, "workers": args.workers, **latencies.summary()}
    summary["write_every"] = args.write_every
    print(json.dumps(summary))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Overview page latency, cold and warm.")
    parser.add_argument("--db", required=True, help="store URL (a copy: the cache is written)")
    parser.add_argument("--workspace", default="default")
    parser.add_argument("--now", help="the dashboard's clock, ISO 8601 (default: the real one)")
    parser.add_argument("--period", default="quarter", help="month, 30d, quarter or all")
    parser.add_argument("--requests", type=int, default=100, help="warm requests")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--write-every", type=int, default=0, help="a write before every K-th")
    return parser.parse_args(argv)


def _prepare(url: str, workspace: str) -> None:
    """Migrate the store (the cache's table) and forget what the workspace has cached."""
    engine = connect(url)
    upgrade(engine)
    with for_writing(engine).begin() as conn:
        conn.execute(delete(tables.report_cache).where(_workspace_id(workspace)))
    engine.dispose()


def _workspace_id(workspace: str) -> ColumnElement[bool]:
    chosen = select(tables.workspaces.c.id).where(tables.workspaces.c.name == workspace)
    return tables.report_cache.c.workspace_id == chosen.scalar_subquery()


def _command(args: argparse.Namespace, port: int) -> list[str]:
    """uvicorn with the bench app (its clock held at `--now`), on `port`."""
    command = [sys.executable, "-m", "uvicorn", "overview_app:from_environment"]
    command += ["--factory", "--app-dir", "bench", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(args.workers), "--log-level", "warning"]
    return command


def _environment(args: argparse.Namespace) -> dict[str, str]:
    environment = {**os.environ, "EMBUDO_DATABASE_URL": args.db, "EMBUDO_WORKSPACE": args.workspace}
    if args.now:
        environment[NOW_VARIABLE] = args.now
    return environment


def _measure(args: argparse.Namespace, port: int) -> Latencies:
    base = f"http://127.0.0.1:{port}"
    query = {"period": args.period, "workspace": args.workspace}
    writer = _Writer(args.db, args.workspace) if args.write_every else None
    with httpx2.Client(base_url=base, timeout=TIMEOUT_SECONDS) as client:
        cold = _timed(client, query)
        warm = []
        for number in range(1, args.requests + 1):
            if writer is not None and number % args.write_every == 0:
                writer.write()
            warm.append(_timed(client, query))
    if writer is not None:
        writer.close()
    return Latencies(cold, warm)


def _timed(client: httpx2.Client, query: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get("/", params=query)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or "health-title" not in response.text:
        raise RuntimeError(f"the overview answered {response.status_code}: {response.text[:300]}")
    return elapsed


class _Writer:
    """Appends a `page` event of the workspace's first contact per write.

    Not the engine: a benchmark's stand-in for an ingestion, enough to change
    the store's data version (so the cached results go stale) without
    changing a figure.
    """

    def __init__(self, url: str, workspace: str) -> None:
        self.engine = connect(url)
        with self.engine.connect() as conn:
            names = tables.workspaces.c
            self.workspace_id = conn.scalar(select(names.id).where(names.name == workspace))
            contacts = tables.contacts.c
            self.contact_id = conn.scalar(
                select(func.min(contacts.id)).where(contacts.workspace_id == self.workspace_id)
            )
        self.written = 0

    def write(self) -> None:
        self.written += 1
        now = datetime.now(UTC)
        row = {"workspace_id": self.workspace_id, "contact_id": self.contact_id}
        row |= {"message_id": f"bench-overview-{now.timestamp()}-{self.written}", "type": "page"}
        row |= {"name": "bench", "occurred_at": now, "received_at": now, "properties": {}}
        with for_writing(self.engine).begin() as conn:
            conn.execute(insert(tables.events).values(**row))

    def close(self) -> None:
        self.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
