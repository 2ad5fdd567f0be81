"""`pipeline` on the clinic's deals (`report_support.clinic_deals`), everywhere."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from report_support import clinic_deals, everywhere
from sqlalchemy import Engine


@pytest.fixture
def clinic(store: Engine) -> Engine:
    clinic_deals(store)
    return store


def _board(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [
        (r["pipeline"], r["stage"], r["open_deals"], r["value"], r["weighted_value"]) for r in rows
    ]


def test_now_only_cy_is_open(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "pipeline")
    zero = (0, Decimal("0.0000"), Decimal("0.00"))
    assert _board(rows) == [
        ("admissions", "info_session", 1, Decimal("500.0000"), Decimal("100.00")),
        ("treatment", "first_consultation", *zero),
        ("treatment", "diagnosis", *zero),
        ("treatment", "quote", *zero),
    ]
    assert [row["probability"] for row in rows] == [0.2, 0.2, 0.4, 0.6]


def test_at_the_end_of_march_dee_was_reopened(
    clinic: Engine, store_url: str, tmp_path: Path
) -> None:
    """dee was lost on day 13 and moved back to diagnosis on day 14: open, worth 2,000 at 0.4."""
    rows = everywhere(store_url, tmp_path, "pipeline", start="2024-03-01", end="2024-03-31")
    assert _board(rows)[2] == ("treatment", "diagnosis", 1, Decimal("2000.0000"), Decimal("800.00"))
    assert sum(row["open_deals"] for row in rows) == 2


def test_before_any_deal_there_is_no_board(clinic: Engine, store_url: str, tmp_path: Path) -> None:
    assert everywhere(store_url, tmp_path, "pipeline", end="2024-03-05") == []
