"""HTTP intake benchmark: events/s through `POST /v1/batch`, latency of `POST /v1/track`.

Starts `embudo serve --workers N` on a fresh database with the b2b-saas
template and an intake key, then, over keep-alive loopback connections:

- **batch** — the synthetic stream of `ingest_stream.py` in requests of
  `--per-request` messages (100, as the Segment clients send), from
  `--clients` threads at once; events/s counts messages stored as events,
  over the time until the last batch answered has also been applied (a
  batch is answered once queued: group commit, `embudo.engine.inbox`).
- **track** — `--calls` single `/v1/track` calls, one at a time, each timed
  from sending to the full answer: p50 and p99 latency.

    .venv/bin/python bench/http_intake.py [--messages N] [--contacts N]
        [--workers N] [--clients N] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import statistics
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import func, select

from embudo.domain.access import Role
from embudo.engine.api_keys import create_key
from embudo.store.session import connect
from embudo.store.tables import events, inbox
from embudo.store.workspaces import open_workspace
from ingest_stream import StreamShape, documents
from ingest_worker import fresh_database, prepared
from serving import cpu_seconds, free_port, serving

POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
APPLY_SECONDS = 120


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    with fresh_database(args.backend, args.postgres_url, "http") as url:
        key, names = _prepare(url)
        port = free_port()
        command = [sys.executable, "-m", "embudo", "serve", "--db", url]
        command += ["--port", str(port), "--workers", str(args.workers)]
        with serving(command, port) as server:
            shape = StreamShape(args.messages, args.contacts, names)
            idle = cpu_seconds(server)
            rate, stored = _batch_phase(url, port, key, shape, args)
            busy = cpu_seconds(server) - idle
            latencies = _track_phase(port, key, args.calls)
    p50, p99 = _percentiles(latencies)
    print(
        f"{args.backend}, {args.workers} worker(s), {args.clients} client(s): "
        f"/v1/batch {rate:,.0f} events/s ({stored:,} events; server CPU {busy:.1f} s, "
        f"{busy / stored * 1e6:.0f} µs an event); "
        f"/v1/track p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(latencies)} calls"
    )
    return 0 if stored == shape.expected_total else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="HTTP intake throughput and latency.")
    parser.add_argument("--messages", type=int, default=50_000, help="track messages")
    parser.add_argument("--contacts", type=int, default=5_000, help="distinct contacts")
    parser.add_argument("--per-request", type=int, default=100, help="messages per batch")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--clients", type=int, default=4, help="concurrent batch senders")
    parser.add_argument("--calls", type=int, default=500, help="single /v1/track calls")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    return parser.parse_args(argv)


def _prepare(url: str) -> tuple[str, list[str]]:
    """Migrate, apply the template, issue an intake key: its secret and the event names."""
    engine, loaded = prepared(url)
    with engine.begin() as conn:
        workspace_id = open_workspace(conn, "default").id
        now = datetime.now(UTC)
        secret = create_key(conn, workspace_id, "bench", Role.INTAKE, now=now).secret
    engine.dispose()
    return secret, list(loaded.spec.events)


def _post(connection: http.client.HTTPConnection, path: str, key: str, body: bytes) -> None:
    auth = base64.b64encode(f"{key}:".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {answer[:200]!r}")


def _requests(shape: StreamShape, size: int) -> Iterator[bytes]:
    stream = documents(shape)
    while batch := list(islice(stream, size)):
        yield json.dumps({"batch": batch}).encode()


def _batch_phase(
    url: str, port: int, key: str, shape: StreamShape, args: argparse.Namespace
) -> tuple[float, int]:
    """Send the stream from `clients` threads, each on its own keep-alive connection.

    Client i sends requests i, i + clients, ...: a contact's identify may be
    stored after some of its tracks, which the engine orders by time anyway.
    The stream is encoded before the clock starts.
    """
    bodies = list(_requests(shape, args.per_request))
    chunks = [bodies[index :: args.clients] for index in range(args.clients)]

    def send(mine: list[bytes]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for body in mine:
            _post(connection, "/v1/batch", key, body)
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(send, chunks))
    _wait_applied(url)
    elapsed = time.perf_counter() - started
    stored = _count(url)
    return stored / elapsed, stored


def _wait_applied(url: str) -> None:
    """Until no batch waits in the inbox: an answered batch may still be queued (group commit),
    and the clock runs until it is stored."""
    engine = connect(url)
    deadline = time.monotonic() + APPLY_SECONDS
    with engine.connect() as conn:
        while conn.scalar(select(func.count()).select_from(inbox)):
            conn.rollback()
            if time.monotonic() > deadline:
                raise TimeoutError(f"batches still queued {APPLY_SECONDS} s after the last answer")
            time.sleep(0.02)
    engine.dispose()


def _track_phase(port: int, key: str, calls: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    for number in range(calls):
        body = {"messageId": f"single-{number}", "userId": f"single-{number % 50}"}
        payload = json.dumps({**body, "event": "blog_subscribed"}).encode()
        started = time.perf_counter()
        _post(connection, "/v1/track", key, payload)
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    return latencies


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[98]


def _count(url: str) -> int:
    """Events in the database (every request answered, every batch applied by now)."""
    engine = connect(url)
    with engine.connect() as conn:
        total = int(conn.scalar(select(func.count()).select_from(events)) or 0)
    engine.dispose()
    return total


if __name__ == "__main__":
    sys.exit(main())
