"""Running reports in tests: on the store, and on DuckDB over a snapshot of it, compared.

A plain module so each test reads as its story: build a history through the
real engine, run a report everywhere, check the numbers derived by hand.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from deal_support import REP, new_deal, ready
from funnel_support import (
    NOW,
    at,
    feed,
    identify,
    install,
    page,
    spec_document,
    track,
    workspace,
)
from sqlalchemy import Engine

from embudo.analytics.engines import open_backend
from embudo.analytics.params import parse_params
from embudo.analytics.report import ReportResult, run_report
from embudo.analytics.reports import find_report
from embudo.domain.deals import DealSource
from embudo.domain.spec import MoveKind
from embudo.engine.deals import lose_deal, move_deal, win_deal
from embudo.engine.moves import move_contact
from embudo.io.parquet import export_parquet
from embudo.store.session import connect
from embudo.store.workspaces import open_workspace

WORKSPACE = "default"
Row = dict[str, Any]


def run(
    store_url: str, name: str, engine: str | None = None, now: datetime = NOW, **options: str
) -> ReportResult:
    """Report `name` with CLI-style options (`start`, `end`, `by`, `compare`, `mode`), at `now`."""
    backend = open_backend(store_url, engine)
    try:
        return run_report(find_report(name), backend, WORKSPACE, parse_params(**options), now)
    finally:
        backend.disconnect()


def snapshot(store_url: str, directory: Path) -> str:
    """Export the workspace to `directory`; the `--engine` value that reads it."""
    engine = connect(store_url)
    try:
        with engine.connect() as conn:
            export_parquet(conn, open_workspace(conn, WORKSPACE).id, directory)
    finally:
        engine.dispose()
    return f"duckdb:{directory}"


def everywhere(
    store_url: str, tmp_path: Path, name: str, now: datetime = NOW, /, **options: str
) -> list[Row]:
    """The report's rows on the store, asserted identical on DuckDB over its snapshot."""
    on_store = run(store_url, name, now=now, **options)
    duckdb = snapshot(store_url, tmp_path / "snapshot")
    on_duckdb = run(store_url, name, duckdb, now=now, **options)
    assert on_duckdb.columns == on_store.columns
    assert on_duckdb.rows == on_store.rows
    return on_store.rows


def back_and_forth(store: Engine) -> None:
    """Three contacts through the seeds' funnel (T0 = 2024-03-01 09:00 UTC, day N = T0 + N days).

    - ana: visitor (day 0), lead (1), mql (2), recycled to nurture (3), mql
      again (5), sql (6) — sal skipped;
    - bob: visitor (0), lead (1), disqualified (2), reopened to lead (40);
    - cy: visitor and lead at once (day 35, April 5).
    """
    install(store, sectioned())
    feed(
        store,
        [
            page("p-ana", at(0), anon="a-ana"),
            page("p-bob", at(0), anon="a-bob"),
            identify("i-ana", at(1), user="ana", anon="a-ana", email="ana@example.com"),
            identify("i-bob", at(1), user="bob", anon="a-bob", email="bob@example.com"),
            track("w1-ana", "webinar_registered", at(2), user="ana"),
            track("w2-ana", "webinar_watched", at(2, hours=1), user="ana"),
        ],
    )
    _person(store, "ana", MoveKind.RECYCLE, 3)
    _person(store, "bob", MoveKind.DISQUALIFY, 2)
    feed(
        store,
        [
            track("w3-ana", "webinar_registered", at(5), user="ana"),
            track("w4-ana", "webinar_watched", at(5, hours=1), user="ana"),
            track("p1-ana", "price_list_downloaded", at(6), user="ana"),
            track("t1-ana", "trial_started", at(6, hours=1), user="ana"),
            identify("i-cy", at(35), user="cy", email="cy@example.com"),
        ],
    )
    _person(store, "bob", MoveKind.REOPEN, 40)


def second_device(store: Engine) -> None:
    """ana's phone: a visitor of its own from day 4, identified as ana on day 7 and merged
    into her. Its move into visitor stays in the history; the reports count her once."""
    feed(store, [page("p-phone", at(4), anon="a-phone")])
    feed(store, [identify("i-phone", at(7), user="ana", anon="a-phone")])


SECTIONS = {"mql": "mofu", "sal": "mofu", "sql": "bofu", "opportunity": "bofu", "customer": "bofu"}


def sectioned() -> dict[str, Any]:
    """The seeds' funnel with its sections: TOFU to lead, MOFU mql and sal, BOFU from sql."""
    document = spec_document()
    for stage in document["lifecycle"]["stages"]:
        stage["section"] = SECTIONS.get(stage["key"], "tofu")
    return document


def _person(store: Engine, who: str, kind: MoveKind, day: float) -> None:
    with store.begin() as conn:
        move_contact(
            conn, workspace(store), who, kind, at=at(day), actor="rep", reason="test", now=NOW
        )


def clinic_deals(store: Engine) -> None:
    """Four deals (T0 = 2024-03-01 09:00 UTC; day N is T0 + N days):

    - ana: treatment deal of 1,000 opened day 10, won day 20 (10 days);
    - bob: treatment deal of 3,000 opened day 10, lost day 15;
    - cy: admissions deal of 500 opened day 12, still open;
    - dee: treatment deal of 2,000 opened day 11, lost day 13, reopened to
      diagnosis day 14, won day 31 (2024-04-01 09:00, 20 days after it opened).
    """
    ready(store, "ana", "bob", "cy", "dee")
    ana = new_deal(store, "ana", day=10, amount="1000")
    bob = new_deal(store, "bob", day=10, amount="3000")
    new_deal(store, "cy", day=12, amount="500", pipeline="admissions")
    dee = new_deal(store, "dee", day=11, amount="2000")
    ws = workspace(store)
    sale: dict[str, Any] = {"actor": REP, "source": DealSource.CLI, "now": NOW}
    with store.begin() as conn:
        win_deal(conn, ws, ana, at=at(20), **sale)
        lose_deal(conn, ws, bob, "price", at=at(15), **sale)
        lose_deal(conn, ws, dee, "timing", at=at(13), **sale)
        move_deal(conn, ws, dee, "diagnosis", at=at(14), **sale)
        win_deal(conn, ws, dee, at=at(31), **sale)
