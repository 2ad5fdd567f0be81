"""`time-in-stage` on the `sales_story` history, on the store (SQLite, PostgreSQL) and DuckDB.

Every visit counts: ana's deal visits first_consultation twice (it went
back from diagnosis), bob is an opportunity twice (recycled to nurture when
his deal was lost, back when it was reopened). Open visits are measured up
to the period's end, or NOW (day 184.125) when the period has no end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from report_support import back_and_forth, everywhere, run, second_device
from sales_story import build, mean
from sqlalchemy import Engine

from embudo.domain.errors import InvalidInput

NAME = "time-in-stage"


@pytest.fixture
def story(store: Engine) -> dict[str, int]:
    return build(store)


def _table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["pipeline"],
            row["stage"],
            row["visits"],
            row["open_visits"],
            row["mean_days"],
            row["median_days"],
        )
        for row in rows
    ]


def test_all_history_counts_every_visit(story: Any, store_url: str, tmp_path: Path) -> None:
    """Open visits run to NOW: c1 is a visitor since day 0, five deals' contacts are
    opportunities still; even counts take the mean of the two middle visits."""
    rows = everywhere(store_url, tmp_path, NAME)
    assert {row["scope"] for row in rows[:4]} == {"lifecycle"}
    assert {row["scope"] for row in rows[4:]} == {"pipeline"}
    opportunity = (10, 5, 166.125, 172.125, 173.125, 173.125, 173.125, 10)
    first_consultation = (2, 3, 5, 2, 170.125, 1, 3)
    assert _table(rows) == [
        (None, "visitor", 8, 1, mean(184.125, *[0] * 7), 0.0),
        (None, "lead", 7, 0, 10.0, 10.0),
        (None, "opportunity", 8, 5, mean(*opportunity), (166.125 + 172.125) / 2),
        (None, "nurture", 1, 0, 3.0, 3.0),
        ("admissions", "info_session", 2, 1, mean(172.125, 10), mean(172.125, 10)),
        ("treatment", "first_consultation", 7, 1, mean(*first_consultation), 3.0),
        ("treatment", "diagnosis", 2, 1, mean(1, 166.125), mean(1, 166.125)),
        ("treatment", "quote", 2, 0, 8.5, 8.5),
    ]


def test_a_period_takes_the_visits_begun_in_it(story: Any, store_url: str, tmp_path: Path) -> None:
    """Up to March 15 (the end is day 14.625): the visits still going then are open there;
    bob's nurture (day 15) and ana's quote (day 16) begin later and are not counted."""
    rows = everywhere(store_url, tmp_path, NAME, start="2024-03-01", end="2024-03-15")
    assert _table(rows) == [
        (None, "visitor", 8, 1, mean(14.625, *[0] * 7), 0.0),
        (None, "lead", 7, 0, 10.0, 10.0),
        (None, "opportunity", 7, 7, 3.625, 3.625),
        ("admissions", "info_session", 2, 2, 2.625, 2.625),
        ("treatment", "first_consultation", 7, 3, mean(2, 1.625, 4.625, 2, 0.625, 1, 3), 2.0),
        ("treatment", "diagnosis", 1, 0, 1.0, 1.0),
        ("treatment", "quote", 1, 1, 2.625, 2.625),
    ]


def test_by_owner(story: Any, store_url: str, tmp_path: Path) -> None:
    """Deals by their owner; the contacts have no owner (no hand-off in this story)."""
    rows = everywhere(store_url, tmp_path, NAME, by="owner")
    consultations = [
        (row["owner"], row["visits"], row["open_visits"], row["mean_days"], row["median_days"])
        for row in rows
        if row["stage"] == "first_consultation"
    ]
    assert consultations == [
        ("rep@example.com", 4, 1, mean(2, 3, 2, 170.125), 2.5),
        ("sam@example.com", 2, 0, 4.0, 4.0),
        (None, 1, 0, 1.0, 1.0),
    ]
    assert {row["owner"] for row in rows if row["scope"] == "lifecycle"} == {None}


def test_a_contact_merged_away_is_not_counted(
    store: Engine, store_url: str, tmp_path: Path
) -> None:
    """ana, bob and cy were visitors; ana's phone, merged into her, was one too (day 4 on)."""
    back_and_forth(store)
    second_device(store)
    for by in ({}, {"by": "channel"}):
        rows = everywhere(store_url, tmp_path, NAME, **by)
        assert [row["visits"] for row in rows if row["stage"] == "visitor"] == [3]


def test_nothing_to_report_is_no_row(store: Engine, store_url: str, tmp_path: Path) -> None:
    build(store)
    assert everywhere(store_url, tmp_path, NAME, start="2025-01-01", end="2025-01-31") == []


def test_pipeline_is_a_column_not_a_dimension(story: Any, store_url: str) -> None:
    with pytest.raises(InvalidInput, match="cannot be grouped by pipeline — it takes: campaign"):
        run(store_url, NAME, by="pipeline")
