"""`health` on a small clinic history, on the store (SQLite, PostgreSQL) and on DuckDB.

The story is `report_support.clinic_deals`: ana won 1,000 in 10 days, bob
lost 3,000, cy's 500 still open, dee's 2,000 lost, reopened and won on
April 1 after 20 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from deal_support import REP, deal_document, new_deal, ready
from funnel_support import NOW, at, feed, identify, install, workspace
from report_support import clinic_deals, everywhere
from sqlalchemy import Engine

from embudo.domain.deals import DealSource
from embudo.engine.deals import win_deal


@pytest.fixture
def clinic(store: Engine) -> Engine:
    clinic_deals(store)
    return store


def test_all_history(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    [row] = everywhere(store_url, tmp_path, "health")
    assert row == {
        "open_deals": 1,
        "won_deals": 2,
        "lost_deals": 1,
        "win_rate": 2 / 3,
        "win_rate_value": 0.5,
        "avg_deal_size": Decimal("1500.00"),
        "avg_days_to_close": 15.0,
        "velocity_per_day": 1 * (2 / 3) * 1500 / 15,
    }


def test_a_period_sees_deals_as_they_stood_at_its_end(
    clinic: Engine, store_url: str, tmp_path: Path
) -> None:
    """In March dee was lost then reopened: open at the end of March, won in April."""
    [march] = everywhere(store_url, tmp_path, "health", start="2024-03-01", end="2024-03-31")
    assert (march["open_deals"], march["won_deals"], march["lost_deals"]) == (2, 1, 1)
    assert (march["win_rate"], march["win_rate_value"]) == (0.5, 0.25)
    assert (march["avg_deal_size"], march["avg_days_to_close"]) == (Decimal("1000.00"), 10.0)
    assert march["velocity_per_day"] == 2 * 0.5 * 1000 / 10


def test_by_pipeline_and_compare_previous(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(
        store_url,
        tmp_path,
        "health",
        start="2024-04-01",
        end="2024-04-30",
        by="pipeline",
        compare="previous",
    )
    counts = [
        (row["period"], row["pipeline"], row["open_deals"], row["won_deals"], row["lost_deals"])
        for row in rows
    ]
    assert counts == [
        ("current", "admissions", 1, 0, 0),
        ("current", "treatment", 0, 1, 0),
        ("previous", "admissions", 1, 0, 0),
        ("previous", "treatment", 1, 1, 1),
    ]


def test_by_month_splits_the_history(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "health", by="month")
    assert [(row["month"], row["won_deals"], row["lost_deals"]) for row in rows] == [
        ("2024-03", 1, 1),
        ("2024-04", 1, 0),
    ]


def test_by_owner_channel_and_property(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    """The deals have no owner and no campaign touch: one group each, `direct` for channel."""
    [owner] = everywhere(store_url, tmp_path, "health", by="owner")
    [channel] = everywhere(store_url, tmp_path, "health", by="channel")
    assert (owner["owner"], owner["won_deals"]) == (None, 2)
    assert (channel["channel"], channel["won_deals"]) == ("direct", 2)
    by_email = everywhere(store_url, tmp_path, "health", by="property:email")
    assert [(row["email"], row["won_deals"]) for row in by_email] == [
        ("ana@example.com", 1),
        ("bob@example.com", 0),
        ("cy@example.com", 0),
        ("dee@example.com", 1),
    ]


def test_nothing_to_report_is_no_row(store: Engine, store_url: str, tmp_path: Path) -> None:
    ready(store, "ana")
    assert everywhere(store_url, tmp_path, "health") == []
    assert everywhere(store_url, tmp_path, "health", by="month") == []


def test_months_are_the_workspace_s(store: Engine, store_url: str, tmp_path: Path) -> None:
    """Won at 2024-03-31 23:30 UTC, which is 01:30 on April 1 in Madrid: an April win."""
    install(store, deal_document(timezone="Europe/Madrid"))
    feed(store, [identify("i-ana", at(1), user="ana", email="ana@example.com")])
    deal = new_deal(store, "ana", day=10, amount="100")
    _win(store, deal, at(30, hours=14, minutes=30))
    rows = everywhere(store_url, tmp_path, "health", by="month")
    assert [(row["month"], row["open_deals"], row["won_deals"]) for row in rows] == [
        ("2024-03", 1, 0),
        ("2024-04", 0, 1),
    ]
    [march] = everywhere(store_url, tmp_path, "health", start="2024-03-01", end="2024-03-31")
    assert (march["open_deals"], march["won_deals"]) == (1, 0)


def test_durations_floor_a_fraction_of_a_second(
    store: Engine, store_url: str, tmp_path: Path
) -> None:
    """Won 0.4 ms before day 20 (…:59.9996): 10 days less one second on every engine.
    SQLite reads a moment to the millisecond, rounding; floored, that is still second 59."""
    ready(store, "ana")
    deal = new_deal(store, "ana", day=10, amount="1000")
    _win(store, deal, at(20) - timedelta(microseconds=400))
    [row] = everywhere(store_url, tmp_path, "health")
    assert row["avg_days_to_close"] == (10 * 86_400 - 1) / 86_400


def _win(store: Engine, deal: int, when: datetime) -> None:
    """Mark `deal` won at `when`, as a rep does from the CLI."""
    with store.begin() as conn:
        win_deal(conn, workspace(store), deal, actor=REP, source=DealSource.CLI, now=NOW, at=when)
