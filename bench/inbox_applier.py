"""The intake applier alone: CPU and wall time to apply a full inbox, no HTTP around it.

Fills the inbox of a fresh database with the stream of `ingest_stream.py`
in batches of `--per-request` messages (as `/v1/batch` requests store
them, untimed), takes the lease, then applies round after round of up to
`--round` messages (`Applier.apply_round`) until nothing is queued: the
work the lease holder does for `bench/http_intake.py`, without the requests
competing for the machine, the lock or the interpreter. CPU time is this
process's, so the figure moves less with the machine's load than wall time.

    .venv/bin/python bench/inbox_applier.py [--messages 50000] [--contacts 5000]
        [--per-request 100] [--round 4000] [--backend sqlite|postgres]
        [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import time
import uuid
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from embudo.engine.inbox import LEASE, ROUND_MESSAGES, Applier
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.inbox import put, take_lease
from embudo.store.workspaces import open_workspace
from ingest_stream import StreamShape, documents
from ingest_worker import fresh_database, prepared

POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
WORKSPACE = "default"


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    with fresh_database(args.backend, args.postgres_url, "applier") as url:
        applier, expected = _filled(url, args)
        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        if args.profile:
            profiler.enable()
        applied = 0
        while (done := applier.apply_round(datetime.now(UTC), args.round)) is not None:
            applied += done.messages
        if args.profile:
            profiler.disable()
            profiler.dump_stats(args.profile)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        applier.engine.dispose()
    print(
        f"{args.backend}: {applied:,} of {expected:,} messages applied in rounds of "
        f"{args.round:,}: {wall:.2f} s wall ({applied / wall:,.0f}/s), "
        f"{cpu:.2f} s CPU ({cpu / applied * 1e6:.0f} µs a message)"
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=50_000, help="track messages")
    parser.add_argument("--contacts", type=int, default=5_000, help="distinct contacts")
    parser.add_argument("--per-request", type=int, default=100, help="messages per batch")
    parser.add_argument("--round", type=int, default=ROUND_MESSAGES, help="messages per round")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the rounds")
    return parser.parse_args(argv)


def _filled(url: str, args: argparse.Namespace) -> tuple[Applier, int]:
    """An applier holding the lease of a workspace whose inbox holds the whole stream."""
    engine, loaded = prepared(url)
    now = datetime.now(UTC)
    shape = StreamShape(args.messages, args.contacts, list(loaded.spec.events))
    stream = documents(shape)
    holder = uuid.uuid4().hex
    with engine.begin() as conn:
        workspace_id = open_workspace(conn, WORKSPACE).id
        while batch := list(islice(stream, args.per_request)):
            put(conn, workspace_id, "http:/v1/batch", batch, now)
        take_lease(conn, workspace_id, holder, now, now + LEASE)
    applier = Applier(engine, OpenedWorkspaces(), workspace_id, WORKSPACE, holder)
    return applier, shape.expected_total


if __name__ == "__main__":
    main()
