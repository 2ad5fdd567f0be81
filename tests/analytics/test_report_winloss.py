"""`winloss` on the `sales_story` history, on the store (SQLite, PostgreSQL) and DuckDB.

Closed for good: ana won from quote (1,000, rep), gus won from info_session
(700, sam), eve lost from quote (competitor, 1,500, no owner), fay lost from
first_consultation (price, 800, sam). bob and dee were lost and reopened:
they count only in a period that ends before their reopening.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from report_support import everywhere, run
from sales_story import build
from sqlalchemy import Engine

from embudo.domain.errors import InvalidInput

NAME = "winloss"


@pytest.fixture
def story(store: Engine) -> dict[str, int]:
    return build(store)


def _table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["pipeline"],
            row["closed_from"],
            row["outcome"],
            row["reason"],
            row["deals"],
            row["amount"],
            row["share"],
        )
        for row in rows
    ]


def test_all_history(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    assert _table(everywhere(store_url, tmp_path, NAME)) == [
        ("admissions", "info_session", "won", None, 1, Decimal(700), 0.5),
        ("treatment", "first_consultation", "lost", "price", 1, Decimal(800), 0.5),
        ("treatment", "quote", "won", None, 1, Decimal(1000), 0.5),
        ("treatment", "quote", "lost", "competitor", 1, Decimal(1500), 0.5),
    ]


@pytest.mark.parametrize(
    ("end", "loss"),
    [
        (
            "2024-03-14",
            ("treatment", "first_consultation", "lost", "timing", 1, Decimal(2000), 1.0),
        ),
        ("2024-03-15", ("treatment", "first_consultation", "lost", "price", 1, Decimal(800), 1.0)),
    ],
)
def test_a_reopened_deal_is_lost_only_until_it_is_reopened(
    story: dict[str, int], store_url: str, tmp_path: Path, end: str, loss: tuple[Any, ...]
) -> None:
    """dee, lost on day 13 and reopened on day 14, is a loss of a period ending March 14
    (day 13.625), not of one ending March 15 — by then fay's loss (day 14) is the only one."""
    rows = everywhere(store_url, tmp_path, NAME, start="2024-03-01", end=end)
    assert _table(rows) == [loss]


def test_by_owner(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, NAME, by="owner")
    assert [(row["owner"], row["closed_from"], row["outcome"], row["share"]) for row in rows] == [
        ("rep@example.com", "quote", "won", 1.0),
        ("sam@example.com", "info_session", "won", 1.0),
        ("sam@example.com", "first_consultation", "lost", 1.0),
        (None, "quote", "lost", 1.0),
    ]


def test_totals_agree_with_health(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    [health] = everywhere(store_url, tmp_path, "health")
    rows = everywhere(store_url, tmp_path, NAME)
    won = sum(row["deals"] for row in rows if row["outcome"] == "won")
    lost = sum(row["deals"] for row in rows if row["outcome"] == "lost")
    assert (won, lost) == (health["won_deals"], health["lost_deals"])


def test_pipeline_is_a_column_not_a_dimension(story: dict[str, int], store_url: str) -> None:
    with pytest.raises(InvalidInput, match="winloss cannot be grouped by pipeline"):
        run(store_url, NAME, by="pipeline")


def test_compare_previous(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    """March 15-28 holds every final close; March 1-14 only dee's loss, undone since."""
    rows = everywhere(
        store_url, tmp_path, NAME, start="2024-03-15", end="2024-03-28", compare="previous"
    )
    assert [(row["period"], row["outcome"], row["reason"]) for row in rows] == [
        ("current", "won", None),
        ("current", "lost", "price"),
        ("current", "won", None),
        ("current", "lost", "competitor"),
        ("previous", "lost", "timing"),
    ]
