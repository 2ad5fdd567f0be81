"""`forecast` on the `sales_story` history, on the store (SQLite, PostgreSQL) and DuckDB.

Probabilities: first_consultation 0.2, diagnosis 0.4, quote 0.6, info_session 0.2.
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

NAME = "forecast"


@pytest.fixture
def story(store: Engine) -> dict[str, int]:
    return build(store)


def _table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["pipeline"],
            row["close_month"],
            row["open_deals"],
            row["amount"],
            row["weighted_amount"],
        )
        for row in rows
    ]


def test_now(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    """Open at NOW: bob (reopened into diagnosis, 3,000 * 0.4), cy (500 * 0.2) and dee
    (reopened into first_consultation, 2,000 * 0.2, no expected close: its own row)."""
    assert _table(everywhere(store_url, tmp_path, NAME)) == [
        ("admissions", "2024-09", 1, Decimal(500), Decimal("100.00")),
        ("treatment", "2024-10", 1, Decimal(3000), Decimal("1200.00")),
        ("treatment", None, 1, Decimal(2000), Decimal("400.00")),
    ]


def test_a_period_is_seen_as_it_stood_at_its_end(
    story: dict[str, int], store_url: str, tmp_path: Path
) -> None:
    """On March 15 (day 14.625) ana, bob, dee and gus were still open; October holds bob
    in first_consultation (3,000 * 0.2) and eve in quote (1,500 * 0.6)."""
    rows = everywhere(store_url, tmp_path, NAME, start="2024-03-01", end="2024-03-15")
    assert _table(rows) == [
        ("admissions", "2024-09", 1, Decimal(500), Decimal("100.00")),
        ("admissions", None, 1, Decimal(700), Decimal("140.00")),
        ("treatment", "2024-03", 1, Decimal(1000), Decimal("200.00")),
        ("treatment", "2024-10", 2, Decimal(4500), Decimal("1500.00")),
        ("treatment", None, 1, Decimal(2000), Decimal("400.00")),
    ]


def test_by_owner(story: dict[str, int], store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, NAME, by="owner")
    assert [(row["owner"], row["pipeline"], row["close_month"]) for row in rows] == [
        ("rep@example.com", "admissions", "2024-09"),
        ("rep@example.com", "treatment", None),
        ("sam@example.com", "treatment", "2024-10"),
    ]


def test_nothing_open_is_no_row(store: Engine, store_url: str, tmp_path: Path) -> None:
    build(store)
    assert everywhere(store_url, tmp_path, NAME, start="2024-02-01", end="2024-02-29") == []


def test_pipeline_is_a_column_not_a_dimension(story: dict[str, int], store_url: str) -> None:
    with pytest.raises(InvalidInput, match="forecast cannot be grouped by pipeline"):
        run(store_url, NAME, by="pipeline")
