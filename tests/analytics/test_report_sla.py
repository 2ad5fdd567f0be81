"""`sla` on the marketing story (`marketing_story`), on every engine.

March: ana, bob and cy qualify (3 against 2); sales accepts ana (touched
after 3 h), rejects bob for `no_budget` after 48 h (late), calls cy after 2 h
and never answers; ana's deal is won. April: bob qualifies again and is
accepted after 1 h (his March rejection is not April's touch), dee is
rejected for `not_a_fit` after 2 h; bob's deal is won. May: eve, untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from funnel_support import feed, install
from marketing_story import build, mql
from report_support import everywhere
from sqlalchemy import Engine


@pytest.fixture
def story(store: Engine) -> Engine:
    build(store)
    return store


def test_each_month_against_the_agreement(story: Engine, store_url: str, tmp_path: Path) -> None:
    march, april, may = everywhere(store_url, tmp_path, "sla")
    assert march == {
        "month": "2024-03",
        "mqls": 3,
        "mql_target": 2.0,
        "mql_attainment_rate": 1.5,
        "accepted": 1,
        "rejected": 1,
        "acceptance_rate": 1 / 3,
        "rejection_reasons": "no_budget=1",
        "touched_in_time": 2,
        "first_touch_rate": 2 / 3,
        "won_deals": 1,
        "close_rate": 1 / 3,
        "close_rate_target": 0.25,
    }
    assert april == {
        "month": "2024-04",
        "mqls": 2,
        "mql_target": 2.0,
        "mql_attainment_rate": 1.0,
        "accepted": 1,
        "rejected": 1,
        "acceptance_rate": 0.5,
        "rejection_reasons": "not_a_fit=1",
        "touched_in_time": 2,
        "first_touch_rate": 1.0,
        "won_deals": 1,
        "close_rate": 0.5,
        "close_rate_target": 0.25,
    }
    assert (may["month"], may["mqls"], may["accepted"], may["rejected"]) == ("2024-05", 1, 0, 0)
    assert (may["rejection_reasons"], may["touched_in_time"], may["won_deals"]) == (None, 0, 0)
    assert (may["mql_attainment_rate"], may["first_touch_rate"], may["close_rate"]) == (
        0.5,
        0.0,
        0.0,
    )


def test_a_partial_month_has_a_prorated_target(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    """March 1-15 is 15 of 31 days: a target of 2 * 15 / 31 MQLs."""
    [march] = everywhere(store_url, tmp_path, "sla", start="2024-03-01", end="2024-03-15")
    assert (march["mqls"], march["mql_target"]) == (3, 2 * 15 / 31)
    assert march["mql_attainment_rate"] == 3 / (2 * 15 / 31)
    assert march["won_deals"] == 0


def test_by_campaign_has_no_workspace_target(story: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(
        store_url, tmp_path, "sla", by="campaign", start="2024-04-01", end="2024-04-30"
    )
    assert [
        (r["campaign"], r["mqls"], r["accepted"], r["rejected"], r["won_deals"], r["mql_target"])
        for r in rows
    ] == [("promo", 1, 0, 1, 0, None), (None, 1, 1, 0, 1, None)]


def test_without_targets_the_targets_are_null(
    store: Engine, store_url: str, tmp_path: Path
) -> None:
    install(store)
    assert everywhere(store_url, tmp_path, "sla") == []
    feed(store, mql("ana", 2))
    [row] = everywhere(store_url, tmp_path, "sla")
    assert (row["month"], row["mqls"], row["accepted"]) == ("2024-03", 1, 0)
    assert [row[column] for column in ("mql_target", "mql_attainment_rate")] == [None, None]
    assert [row[column] for column in ("touched_in_time", "first_touch_rate")] == [None, None]
    assert (row["close_rate"], row["close_rate_target"]) == (0.0, None)
