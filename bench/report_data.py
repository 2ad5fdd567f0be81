"""Build the report benchmark's fixture: a store holding a large, consistent synthetic history.

A benchmark fixture, not product data: going through the engine at a million
contacts would take hours, so after applying the b2b-saas funnel definition
through the engine (`apply_spec`, so reports find a definition and the
workspace's time zone) this writes the history tables directly — SQLAlchemy
Core `insert` executemany, one transaction per chunk of contacts, ids
assigned by the generator (`report_history`). The caches the engine keeps
(`contacts.stage`, `owner_id`, `deals.stage`/`status`) are written equal to
what the history says, and `lifecycle_visits` and `deal_visits` are written
from the moves at the end (`store.visits.rebuild_visits`,
`store.deal_visits.rebuild_deal_visits`). A fresh SQLite file, or a PostgreSQL schema dropped
and created again; PostgreSQL is `ANALYZE`d afterwards, as autovacuum would.

    .venv/bin/python bench/report_data.py --db sqlite:///bench/out/reports.db \
        [--contacts 1000000] [--transitions 5000000] [--deals 200000] [--events N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, make_url, select
from sqlalchemy.engine import URL

from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.store import tables
from embudo.store.deal_visits import rebuild_deal_visits
from embudo.store.schema import upgrade
from embudo.store.session import connect
from embudo.store.visits import rebuild_visits
from report_history import History
from report_rows import NOW, START, Context, Row, Sizes, Touch

WORKSPACE = "default"
TEMPLATE = "b2b-saas"
CHUNK_CONTACTS = 10_000
CAMPAIGNS = 40
DIRECT_SHARE = 0.3
TEAMS = {"sales": 30, "sales_it": 5, "marketing": 3}
WRITE_ORDER = (
    "contacts",
    "events",
    "lifecycle_transitions",
    "owner_assignments",
    "tasks",
    "sla_breaches",
    "deals",
    "deal_stage_history",
)
"""Tables in the order foreign keys need (SQLite checks them statement by statement)."""


def build(url: str, sizes: Sizes) -> dict[str, int]:
    """Fill the empty store at `url` with the history; the number of rows written per table."""
    engine = connect(url)
    upgrade(engine)
    with engine.begin() as conn:
        context = _set_up(conn)
    history = History(sizes, context)
    written: dict[str, int] = dict.fromkeys(WRITE_ORDER, 0)
    started = time.perf_counter()
    for first in range(0, sizes.contacts, CHUNK_CONTACTS):
        for number in range(first, min(first + CHUNK_CONTACTS, sizes.contacts)):
            history.contact(number)
        _write(engine, history.rows.take(), written)
        _progress(first + CHUNK_CONTACTS, sizes, written, time.perf_counter() - started)
    with engine.begin() as conn:
        rebuild_visits(conn, context.workspace_id)
        rebuild_deal_visits(conn, context.workspace_id)
    _analyze(engine)
    engine.dispose()
    return written


def _set_up(conn: Connection) -> Context:
    """The definition (through the engine), users, channels, campaigns and their costs."""
    loaded = parse_spec(template_text(TEMPLATE), f"{TEMPLATE}.yaml")
    apply_spec(conn, WORKSPACE, loaded.document, loaded.source, now=START - timedelta(days=1))
    workspace_id = conn.scalar(
        select(tables.workspaces.c.id).where(tables.workspaces.c.name == WORKSPACE)
    )
    version_id = conn.scalar(select(tables.spec_versions.c.id))
    assert workspace_id is not None and version_id is not None
    sales = _users(conn, workspace_id)
    keys = [channel["key"] for channel in loaded.document.get("channels", [])]
    channel_ids = {key: _channel(conn, workspace_id, key) for key in [*keys, "direct"]}
    touches = _campaigns(conn, workspace_id, [channel_ids[key] for key in keys])
    direct: Touch = (channel_ids["direct"], None)
    share = round(len(touches) * DIRECT_SHARE / (1 - DIRECT_SHARE))
    return Context(workspace_id, version_id, sales, (*touches, *[direct] * share))


def _users(conn: Connection, workspace_id: int) -> tuple[int, ...]:
    """The sales team's ids (owners are drawn from it); the other teams exist for `--by owner`."""
    sales: list[int] = []
    for team, count in TEAMS.items():
        for number in range(count):
            row = {
                "workspace_id": workspace_id,
                "email": f"{team}{number}@bench.example",
                "name": f"{team} {number}",
                "team": team,
                "created_at": START,
            }
            user_id = conn.execute(insert(tables.users).returning(tables.users.c.id), row)
            found = int(user_id.scalar_one())
            sales += [found] if team == "sales" else []
    return tuple(sales)


def _channel(conn: Connection, workspace_id: int, key: str) -> int:
    row = {"workspace_id": workspace_id, "key": key, "label": key}
    return int(
        conn.execute(insert(tables.channels).returning(tables.channels.c.id), row).scalar_one()
    )


def _campaigns(conn: Connection, workspace_id: int, channel_ids: list[int]) -> list[Touch]:
    """`CAMPAIGNS` campaigns spread over the channels, each with a cost every month."""
    touches: list[Touch] = []
    for number in range(CAMPAIGNS):
        channel_id = channel_ids[number % len(channel_ids)]
        row = {
            "workspace_id": workspace_id,
            "channel_id": channel_id,
            "name": f"campaign-{number:02d}",
            "source": "bench",
            "medium": "bench",
            "created_at": START,
        }
        statement = insert(tables.campaigns).returning(tables.campaigns.c.id)
        campaign_id = int(conn.execute(statement, row).scalar_one())
        conn.execute(insert(tables.campaign_costs), _costs(workspace_id, campaign_id, number))
        touches.append((channel_id, campaign_id))
    return touches


def _costs(workspace_id: int, campaign_id: int, number: int) -> list[Row]:
    months: list[Row] = []
    month = START.date()
    while month < NOW.date():
        following = (month + timedelta(days=32)).replace(day=1)
        amount = Decimal(500 + (number * 37 + month.month * 11) % 4500)
        months.append(_cost(workspace_id, campaign_id, month, following, amount))
        month = following
    return months


def _cost(
    workspace_id: int, campaign_id: int, first: date, following: date, amount: Decimal
) -> Row:
    return {
        "workspace_id": workspace_id,
        "campaign_id": campaign_id,
        "period_start": first,
        "period_end": following - timedelta(days=1),
        "amount": amount,
        "currency": "EUR",
    }


def _write(engine: Engine, rows: dict[str, list[Row]], written: dict[str, int]) -> None:
    """One chunk of contacts' rows in one transaction, table by table."""
    with engine.begin() as conn:
        for name in WRITE_ORDER:
            if rows.get(name):
                conn.execute(insert(tables.metadata.tables[name]), rows[name])
                written[name] += len(rows[name])


def _progress(done: int, sizes: Sizes, written: dict[str, int], seconds: float) -> None:
    if done % (CHUNK_CONTACTS * 10) and done < sizes.contacts:
        return
    total = sum(written.values())
    print(
        f"{min(done, sizes.contacts):,} contacts, {written['lifecycle_transitions']:,} moves, "
        f"{written['deals']:,} deals, {total:,} rows in {seconds:,.0f} s",
        file=sys.stderr,
    )


def _analyze(engine: Engine) -> None:
    """PostgreSQL's planner statistics, as autovacuum would gather them; SQLite is left as is."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def fresh_store(backend: str, path: Path, postgres_url: str, schema: str) -> str:
    """The URL of an empty store: `path` removed first, or `schema` dropped and created again."""
    remove_store(backend, path, postgres_url, schema)
    if backend == "sqlite":
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    _postgres(postgres_url, f"CREATE SCHEMA {schema}")
    return schema_url(postgres_url, schema)


def remove_store(backend: str, path: Path, postgres_url: str, schema: str) -> None:
    """The SQLite file and its journals removed, or the PostgreSQL schema dropped."""
    if backend == "postgres":
        _postgres(postgres_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        return
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        file.unlink(missing_ok=True)


def _postgres(postgres_url: str, statement: str) -> None:
    admin = connect(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(statement)
    admin.dispose()


def schema_url(postgres_url: str, schema: str) -> str:
    """`postgres_url` reading and writing `schema` (`search_path` as a connection option)."""
    url: URL = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--path", type=Path, default=Path("bench/out/reports.db"))
    parser.add_argument("--postgres-url", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--schema", default="bench_reports", help="PostgreSQL schema to (re)create")
    parser.add_argument("--drop", action="store_true", help="only remove the store, build nothing")
    add_sizes(parser)
    return parser.parse_args(argv)


def add_sizes(parser: argparse.ArgumentParser) -> None:
    """The fixture's size options, shared with the benchmark runner."""
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=5_000_000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--events", type=int, help="events, first touches included (2 x contacts)")


def sizes_of(args: argparse.Namespace) -> Sizes:
    events = args.events if args.events is not None else 2 * args.contacts
    return Sizes(args.contacts, max(args.transitions, args.contacts), args.deals, events)


def main(argv: list[str] | None = None) -> None:
    """Build the fixture and print what was written as a JSON line."""
    args = arguments(argv)
    if args.drop:
        remove_store(args.backend, args.path, args.postgres_url, args.schema)
        return
    url = fresh_store(args.backend, args.path, args.postgres_url, args.schema)
    started = time.perf_counter()
    written = build(url, sizes_of(args))
    print(json.dumps({"url": url, "seconds": time.perf_counter() - started, "rows": written}))


if __name__ == "__main__":
    main()
