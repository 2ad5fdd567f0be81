"""`funnel` on a contact that went back and forth (`report_support.back_and_forth`), everywhere.

ana: visitor, lead, mql, nurture, mql, sql (sal skipped); bob: visitor, lead,
disqualified, lead (reopened in April); cy: visitor and lead on April 5.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import back_and_forth, everywhere
from sqlalchemy import Engine

STAGES = ["visitor", "lead", "mql", "sal", "sql", "opportunity", "customer", "TOFU", "MOFU", "BOFU"]


@pytest.fixture
def story(store: Engine) -> Engine:
    back_and_forth(store)
    return store


def _reached(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(row["stage"], row["reached"], row["conversion"]) for row in rows]


def test_cohort_of_all_history(story: Engine, store_url: str, tmp_path: Path) -> None:
    """Each contact once per stage; ana's skipped sal counts; her two mql entries count once."""
    rows = everywhere(store_url, tmp_path, "funnel")
    assert _reached(rows) == [
        ("visitor", 3, None),
        ("lead", 3, 1.0),
        ("mql", 1, 1 / 3),
        ("sal", 1, 1.0),
        ("sql", 1, 1.0),
        ("opportunity", 0, 0.0),
        ("customer", 0, None),
        ("TOFU", 3, None),
        ("MOFU", 1, 1 / 3),
        ("BOFU", 1, 1.0),
    ]
    assert [row["section"] for row in rows[:7]] == [
        "tofu",
        "tofu",
        "mofu",
        "mofu",
        "bofu",
        "bofu",
        "bofu",
    ]


def test_a_cohort_is_the_contacts_created_in_the_period(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    """April's cohort is cy alone, though bob re-entered lead in April."""
    rows = everywhere(store_url, tmp_path, "funnel", start="2024-04-01", end="2024-04-30")
    assert [row["reached"] for row in rows] == [1, 1, 0, 0, 0, 0, 0, 1, 0, 0]


def test_period_mode_counts_entries_in_the_period(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    """April: cy entered visitor and lead, bob re-entered lead from disqualified (only lead)."""
    april = everywhere(
        store_url, tmp_path, "funnel", mode="period", start="2024-04-01", end="2024-04-30"
    )
    assert _reached(april)[:3] == [("visitor", 1, None), ("lead", 2, 2.0), ("mql", 0, 0.0)]
    march = everywhere(
        store_url, tmp_path, "funnel", mode="period", start="2024-03-01", end="2024-03-31"
    )
    assert [row["reached"] for row in march][:7] == [2, 2, 1, 1, 1, 0, 0]


def test_by_month_and_by_channel(story: Engine, store_url: str, tmp_path: Path) -> None:
    months = everywhere(store_url, tmp_path, "funnel", by="month")
    assert [(row["month"], row["stage"]) for row in months] == [
        *(("2024-03", stage) for stage in STAGES),
        *(("2024-04", stage) for stage in STAGES),
    ]
    assert [row["reached"] for row in months if row["stage"] == "visitor"] == [2, 1]
    channels = everywhere(store_url, tmp_path, "funnel", by="channel")
    assert {row["channel"] for row in channels} == {"direct"}
    assert [row["reached"] for row in channels][:3] == [3, 3, 1]


def test_nobody_yet_is_an_empty_result(store: Engine, store_url: str, tmp_path: Path) -> None:
    back_and_forth(store)
    assert everywhere(store_url, tmp_path, "funnel", start="2025-01-01", end="2025-01-31") == []
