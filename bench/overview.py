"""Overview page latency: the dashboard's `/` as a browser asks for it, cold and warm.

Starts the real server (uvicorn with `--workers N`, the app of `embudo
serve`, see `overview_app.py` for the clock) on a free loopback port over
`--db`, empties the workspace's report cache, then asks for the overview
with one keep-alive HTTP client, one request at a time, each timed from
sending to the whole answer:

- **cold** — the first request: nothing cached, so every report's first
  computation starts in the background; the request waits for them at most
  `EMBUDO_REPORT_WAIT` (`--report-wait`, default 2 s) and answers with
  whatever is done, placeholders for the rest;
- **filled** — from sending the cold request until a page holds every figure
  (no placeholder left), asking again every `POLL_SECONDS` as the page's own
  htmx polling would: what the first view of a workspace costs in waiting;
- **warm** — the next `--requests`, once filled: p50, p95, p99 and max.

With `--write-every K`, every K-th warm request follows a write to the
store (a lifecycle move appended through SQL, as an ingestion would), so
the cache is stale and a refresh runs in the background while requests go
on: what continuous ingestion costs the page. The store must be a copy the
benchmark may write to (the cache is a table in it).

    .venv/bin/python bench/overview.py --db sqlite:///bench/out/reports.db \\
        [--workspace default] [--now 2026-01-30T12:00:00] [--period quarter] \\
        [--requests 100] [--workers 2] [--write-every K] [--report-wait 2]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2
from sqlalchemy import ColumnElement, delete, func, insert, select

from embudo.engine.users import add_user, set_password
from embudo.store import tables
from embudo.store.schema import upgrade
from embudo.store.session import connect, for_writing
from embudo.store.users import find_user
from embudo.store.workspaces import open_workspace
from overview_app import NOW_VARIABLE
from serving import free_port, serving

TIMEOUT_SECONDS = 1800.0
BENCH_USER = "bench@embudo.local"
BENCH_PASSWORD = secrets.token_urlsafe(16)
"""A new password each run: the benchmark's user signs in with it, nobody else can."""
POLL_SECONDS = 1.0
"""How often the benchmark asks for a page still showing placeholders (htmx asks every 5 s)."""
PLACEHOLDER = "data-computing="


@dataclass(frozen=True, slots=True)
class Latencies:
    cold_ms: float
    filled_s: float
    polls: int
    warm_ms: list[float]

    def summary(self) -> dict[str, float]:
        cuts = statistics.quantiles(self.warm_ms, n=100, method="inclusive")
        return {
            "cold_ms": round(self.cold_ms, 1),
            "filled_s": round(self.filled_s, 1),
            "polls": self.polls,
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
    parser.add_argument(
        "--report-wait", type=float, default=2.0, help="EMBUDO_REPORT_WAIT: seconds, cold"
    )
    return parser.parse_args(argv)


def _prepare(url: str, workspace: str) -> None:
    """Migrate the store (the cache's table), forget what the workspace has cached, and give
    the benchmark's user (`BENCH_USER`, added if missing) a new password to sign in with."""
    engine = connect(url)
    upgrade(engine)
    with for_writing(engine).begin() as conn:
        conn.execute(delete(tables.report_cache).where(_workspace_id(workspace)))
        workspace_id = open_workspace(conn, workspace).id
        if find_user(conn, workspace_id, BENCH_USER) is None:
            now = datetime.now(UTC)
            add_user(conn, workspace_id, BENCH_USER, name="Bench", role="admin", now=now)
        set_password(conn, workspace_id, BENCH_USER, BENCH_PASSWORD)
    engine.dispose()


def _sign_in(client: httpx2.Client, workspace: str) -> None:
    """Post the sign-in form as a browser does; the client keeps the session cookie."""
    form = {"email": BENCH_USER, "password": BENCH_PASSWORD, "next": "/"}
    headers = {"Origin": str(client.base_url).rstrip("/")}
    answer = client.post("/sign-in", params={"workspace": workspace}, data=form, headers=headers)
    if answer.status_code != 303:
        raise RuntimeError(f"signing in answered {answer.status_code}: {answer.text[:300]}")


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
    environment["EMBUDO_REPORT_WAIT"] = str(args.report_wait)
    if args.now:
        environment[NOW_VARIABLE] = args.now
    return environment


def _measure(args: argparse.Namespace, port: int) -> Latencies:
    base = f"http://127.0.0.1:{port}"
    query = {"period": args.period, "workspace": args.workspace}
    writer = _Writer(args.db, args.workspace) if args.write_every else None
    with httpx2.Client(base_url=base, timeout=TIMEOUT_SECONDS) as client:
        _sign_in(client, args.workspace)
        started = time.perf_counter()
        cold, page = _timed(client, query)
        polls = 0
        while PLACEHOLDER in page:
            time.sleep(POLL_SECONDS)
            polls += 1
            page = _timed(client, query)[1]
        filled = time.perf_counter() - started
        warm = []
        for number in range(1, args.requests + 1):
            if writer is not None and number % args.write_every == 0:
                writer.write()
            warm.append(_timed(client, query)[0])
    if writer is not None:
        writer.close()
    return Latencies(cold, filled, polls, warm)


def _timed(client: httpx2.Client, query: dict[str, str]) -> tuple[float, str]:
    """How long the page took (ms), and the page."""
    started = time.perf_counter()
    response = client.get("/", params=query)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or "health-title" not in response.text:
        raise RuntimeError(f"the overview answered {response.status_code}: {response.text[:300]}")
    return elapsed, response.text


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
