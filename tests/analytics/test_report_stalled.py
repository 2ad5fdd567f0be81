"""`stalled` on the `sales_story` history, on the store (SQLite, PostgreSQL) and DuckDB.

first_consultation rots after 7 days. dee's deal was lost on day 13 and
reopened into first_consultation on day 14: it waits there from day 14, so it
stalls on day 21. The other stages have no limit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from deal_support import new_deal, ready
from funnel_support import NOW, at, workspace
from report_support import WORKSPACE, everywhere, run
from sales_story import build, mean
from sqlalchemy import Engine

from embudo.analytics.engines import open_backend
from embudo.analytics.params import parse_params
from embudo.analytics.report import run_report
from embudo.analytics.reports import find_report
from embudo.domain.errors import InvalidInput
from embudo.engine.rotting import rotted

NAME = "stalled"
REP = "rep@example.com"


@pytest.fixture
def story(store: Engine) -> dict[str, int]:
    return build(store)


def _table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["pipeline"],
            row["stage"],
            row["deal_id"],
            row["owner"],
            row["rotting_days"],
            row["open_deals"],
            row["stalled_deals"],
            row["stalled_value"],
            row["days_in_stage"],
            row["max_days_in_stage"],
        )
        for row in rows
    ]


def test_now(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    """At NOW (day 184.125) bob, cy and dee are open; the longest waits come first."""
    rows = everywhere(store_url, tmp_path, NAME)
    dee, none = story["dee"], Decimal("0.0000")
    assert _table(rows) == [
        ("admissions", "info_session", None, None, None, 1, 0, none, 172.125, 172.125),
        ("treatment", "first_consultation", None, None, 7, 1, 1, Decimal(2000), 170.125, 170.125),
        ("treatment", "first_consultation", dee, REP, 7, 1, 1, Decimal(2000), 170.125, 170.125),
        ("treatment", "diagnosis", None, None, None, 1, 0, none, 166.125, 166.125),
    ]


def test_a_stages_stalled_deals_longest_wait_first_then_by_deal(
    store: Engine, store_url: str, tmp_path: Path
) -> None:
    """Three deals stall in first_consultation: ana's from day 10, bob's (no owner) and
    cy's from day 11, so bob's, opened first, comes before cy's."""
    ready(store, "ana", "bob", "cy")
    ana = new_deal(store, "ana", day=10, amount="1000", owner_email=REP)
    bob = new_deal(store, "bob", day=11, amount="300.25")
    cy = new_deal(store, "cy", day=11, amount="50", owner_email=REP)
    rows = everywhere(store_url, tmp_path, NAME)
    value = Decimal("1350.2500")
    assert _table(rows) == [
        (
            "treatment",
            "first_consultation",
            None,
            None,
            7,
            3,
            3,
            value,
            mean(174.125, 173.125, 173.125),
            174.125,
        ),
        ("treatment", "first_consultation", ana, REP, 7, 1, 1, Decimal(1000), 174.125, 174.125),
        (
            "treatment",
            "first_consultation",
            bob,
            None,
            7,
            1,
            1,
            Decimal("300.25"),
            173.125,
            173.125,
        ),
        ("treatment", "first_consultation", cy, REP, 7, 1, 1, Decimal(50), 173.125, 173.125),
    ]


def test_the_report_agrees_with_the_rot_check(
    story: dict[str, int], store: Engine, store_url: str, tmp_path: Path
) -> None:
    with store.connect() as conn:
        found = [rot.deal_id for rot in rotted(conn, workspace(store), NOW)]
    rows = everywhere(store_url, tmp_path, NAME)
    assert [row["deal_id"] for row in rows if row["deal_id"] is not None] == found


@pytest.mark.parametrize(("now", "stalled"), [(at(21), 1), (at(21) - timedelta(seconds=1), 0)])
def test_a_deal_stalls_when_its_limit_is_reached(
    story: dict[str, int], store_url: str, tmp_path: Path, now: Any, stalled: int
) -> None:
    rows = everywhere(store_url, tmp_path, NAME, now)
    consultation = next(row for row in rows if row["stage"] == "first_consultation")
    assert consultation["stalled_deals"] == stalled


def test_a_period_is_seen_as_it_stood_at_its_end(
    story: dict[str, int], store_url: str, tmp_path: Path
) -> None:
    """Up to March 15 (day 14.625): ana and bob wait in first_consultation, dee has just
    been reopened into it, eve is in quote; nobody has waited 7 days. Equal waits go
    by pipeline."""
    rows = everywhere(store_url, tmp_path, NAME, start="2024-03-01", end="2024-03-15")
    waits = [(row["stage"], row["open_deals"], row["days_in_stage"]) for row in rows]
    assert waits == [
        ("info_session", 2, 2.625),
        ("quote", 1, 2.625),
        ("first_consultation", 3, mean(1.625, 4.625, 0.625)),
    ]
    assert rows[2]["max_days_in_stage"] == 4.625
    assert {row["stalled_deals"] for row in rows} == {0}


def test_by_channel(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, NAME, by="channel")
    assert {row["channel"] for row in rows} == {"direct"}
    assert len(rows) == 4


def test_owner_is_a_column_not_a_dimension(story: dict[str, int], store_url: str) -> None:
    with pytest.raises(InvalidInput, match="stalled cannot be grouped by owner"):
        run(store_url, NAME, by="owner")


def test_without_a_clock_it_needs_an_end(story: dict[str, int], store_url: str) -> None:
    """A library caller that passes no `now` must give the period an end."""
    backend = open_backend(store_url, None)
    try:
        with pytest.raises(InvalidInput, match="pass now to run_report"):
            run_report(find_report(NAME), backend, WORKSPACE, parse_params())
        ended = run_report(find_report(NAME), backend, WORKSPACE, parse_params(end="2024-03-31"))
    finally:
        backend.disconnect()
    assert [row["deal_id"] for row in ended.rows if row["deal_id"]] == [story["dee"]]
