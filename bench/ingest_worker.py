"""One measurement of the ingest benchmark, run in a process of its own.

`engine` sends the synthetic stream through `embudo.engine.ingest.ingest`;
`ceiling` inserts the same event rows into the same `events` table of a fresh
database with plain SQLAlchemy Core executemany, one transaction per batch
of the same size and no engine logic: the rate the database itself allows.
Both timings include generating the stream. The result is one JSON line on
standard output; progress goes to standard error. Each measurement gets its
own process so that `ru_maxrss`, a high-water mark, is its own.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, insert, make_url, select
from sqlalchemy.engine import URL

from embudo.engine.ingest import BATCH_SIZE, ingest
from embudo.engine.intake import Incoming, read_payload
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import LoadedSpec, parse_spec, template_text
from embudo.store.schema import upgrade
from embudo.store.session import connect
from embudo.store.tables import campaigns, channels, contacts, events, workspaces
from ingest_stream import CAMPAIGNS, NOW, StreamShape, documents

OUT = Path(__file__).resolve().parent / "out"
WORKSPACE = "default"
TEMPLATE = "b2b-saas"
EARLY_SHARE = 10
"""Memory and rate are also read after 1/EARLY_SHARE of the messages, to show growth."""

T = TypeVar("T")


@dataclass(slots=True)
class Measurement:
    """What one run measured; RSS figures are `ru_maxrss` high-water marks in KiB."""

    backend: str
    kind: str
    messages: int = 0
    stored: int = 0
    rejected: int = 0
    seconds: float = 0.0
    early_messages: int = 0
    early_seconds: float = 0.0
    rss_setup_kib: int = 0
    rss_early_kib: int = 0
    rss_peak_kib: int = 0


@dataclass(slots=True)
class Meter:
    """Counts messages through a run and notes the clock and memory at the early checkpoint."""

    result: Measurement
    checkpoint: int
    label: str
    started: float = field(default_factory=time.perf_counter)

    def advance(self, count: int) -> None:
        result = self.result
        result.messages += count
        elapsed = time.perf_counter() - self.started
        if not result.early_messages and result.messages >= self.checkpoint:
            result.early_messages, result.early_seconds = result.messages, elapsed
            result.rss_early_kib = peak_rss_kib()
        if result.messages // self.checkpoint != (result.messages - count) // self.checkpoint:
            rate = result.messages / elapsed
            print(f"{self.label}: {result.messages:,} messages, {rate:,.0f}/s", file=sys.stderr)

    def stop(self) -> None:
        self.result.seconds = time.perf_counter() - self.started
        self.result.rss_peak_kib = peak_rss_kib()


def peak_rss_kib() -> int:
    """This process's resident-set high-water mark (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_engine(
    result: Measurement, url: str, shape: StreamShape, batch_size: int, profile: Path | None
) -> None:
    """Ingest the stream through the engine into a fresh, migrated database."""
    engine, loaded = prepared(url)
    result.rss_setup_kib = peak_rss_kib()
    stream = documents(StreamShape(shape.messages, shape.contacts, list(loaded.spec.events)))
    incoming: Iterator[Incoming] = (read_payload(f"bench:{n}", doc) for n, doc in enumerate(stream))
    meter = _meter(result, shape)
    profiler = cProfile.Profile()
    if profile:
        profiler.enable()
    summary = ingest(
        engine, WORKSPACE, incoming, now=NOW, batch_size=batch_size, progress=meter.advance
    )
    meter.stop()
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    result.stored, result.rejected = summary.accepted, summary.rejected
    engine.dispose()


def measure_ceiling(result: Measurement, url: str, shape: StreamShape, batch_size: int) -> None:
    """Insert the same event rows with Core executemany; contacts and touches made untimed."""
    engine, loaded = prepared(url)
    with engine.begin() as conn:
        workspace_id = _workspace_id(conn)
        contact_ids = _insert_contacts(conn, workspace_id, shape.contacts)
        touch_ids = _insert_touches(conn, workspace_id)
    result.rss_setup_kib = peak_rss_kib()
    stream = documents(StreamShape(shape.messages, shape.contacts, list(loaded.spec.events)))
    meter = _meter(result, shape)
    for chunk in chunks(stream, batch_size):
        rows = [_event_row(doc, workspace_id, contact_ids, touch_ids) for doc in chunk]
        with engine.begin() as conn:
            conn.execute(insert(events), rows)
        result.stored += len(rows)
        meter.advance(len(chunk))
    meter.stop()
    engine.dispose()


def prepared(url: str) -> tuple[Engine, LoadedSpec]:
    """An engine on `url`, migrated to head, with the b2b-saas funnel applied."""
    loaded = parse_spec(template_text(TEMPLATE), f"{TEMPLATE}.yaml")
    engine = connect(url)
    upgrade(engine)
    with engine.begin() as conn:
        apply_spec(conn, WORKSPACE, loaded.document, loaded.source, now=NOW)
    return engine, loaded


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _meter(result: Measurement, shape: StreamShape) -> Meter:
    checkpoint = max(shape.expected_total // EARLY_SHARE, 1)
    return Meter(result, checkpoint, f"{result.backend} {result.kind}")


def _workspace_id(conn: Connection) -> int:
    found = conn.scalar(select(workspaces.c.id).where(workspaces.c.name == WORKSPACE))
    assert found is not None
    return int(found)


def _insert_contacts(conn: Connection, workspace_id: int, count: int) -> list[int]:
    """One bare contact per stream contact, as the engine would have created them."""
    row = {
        "workspace_id": workspace_id,
        "traits": {},
        "stage": "visitor",
        "stage_at": NOW,
        "scored_at": NOW,
        "first_seen_at": NOW,
        "last_seen_at": NOW,
        "created_at": NOW,
    }
    statement = insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True)
    return list(conn.execute(statement, [row] * count).scalars())


def _insert_touches(conn: Connection, workspace_id: int) -> dict[str | None, tuple[int, int]]:
    """A channel and campaign per stream campaign; `None` (no UTM) is the direct channel."""
    found: dict[str | None, tuple[int, int]] = {}
    for campaign in (*CAMPAIGNS, {"name": "direct"}):
        row = {"workspace_id": workspace_id, "key": campaign["name"]}
        channel_id = conn.execute(insert(channels).returning(channels.c.id), row).scalar_one()
        values = {**campaign, "workspace_id": workspace_id, "channel_id": channel_id}
        statement = insert(campaigns).values(created_at=NOW).returning(campaigns.c.id)
        found[campaign["name"]] = (channel_id, conn.execute(statement, values).scalar_one())
    found[None] = (found["direct"][0], 0)
    return found


def _event_row(
    doc: dict[str, Any],
    workspace_id: int,
    contact_ids: list[int],
    touch_ids: dict[str | None, tuple[int, int]],
) -> dict[str, Any]:
    """The row the engine stores for `doc` (see `embudo.engine.funnel._event_row`)."""
    identify = doc["type"] == "identify"
    campaign = doc.get("context", {}).get("campaign", {}).get("name")
    channel_id, campaign_id = touch_ids[campaign]
    return {
        "workspace_id": workspace_id,
        "message_id": doc["messageId"],
        "type": doc["type"],
        "name": doc["type"] if identify else doc["event"],
        "contact_id": contact_ids[int(doc["anonymousId"].removeprefix("a-"))],
        "anonymous_id": doc["anonymousId"],
        "user_id": doc["userId"],
        "occurred_at": datetime.fromisoformat(doc["timestamp"]),
        "received_at": NOW,
        "properties": doc["traits"] if identify else doc["properties"],
        "channel_id": channel_id,
        "campaign_id": campaign_id or None,
    }


@contextmanager
def fresh_database(backend: str, postgres_url: str, label: str) -> Iterator[str]:
    """The URL of an empty database, removed afterwards: a file, or a PostgreSQL schema."""
    if backend == "sqlite":
        yield from _sqlite_file(OUT / f"ingest-{label}-{os.getpid()}.db")
    else:
        yield from _postgres_schema(postgres_url, f"bench_{label}_{os.getpid()}")


def _sqlite_file(path: Path) -> Iterator[str]:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    path.parent.mkdir(parents=True, exist_ok=True)
    for file in files:
        file.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        for file in files:
            file.unlink(missing_ok=True)


def _postgres_schema(base_url: str, name: str) -> Iterator[str]:
    admin = connect(base_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    url: URL = make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=["engine", "ceiling"])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the engine run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run one measurement and print it as a JSON line."""
    signal.signal(signal.SIGTERM, _exit_on_term)
    args = _arguments(argv)
    shape = StreamShape(args.messages, args.contacts, ())
    result = Measurement(args.backend, args.kind)
    with fresh_database(args.backend, args.postgres_url, args.kind) as url:
        if args.kind == "engine":
            measure_engine(result, url, shape, args.batch_size, args.profile)
        else:
            measure_ceiling(result, url, shape, args.batch_size)
    print(json.dumps(asdict(result)))


def _exit_on_term(_signal: int, _frame: object) -> None:
    """Turn SIGTERM (the runner's time limit) into SystemExit, so the database is removed."""
    sys.exit(128 + signal.SIGTERM)


if __name__ == "__main__":
    main()
