"""`lead-velocity` on the marketing story (`marketing_story`), on every engine.

MQL entries: March ana, bob, cy (3); April bob again (recycled by the
rejection, qualified again) and dee (2); May eve (1); none in February.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from funnel_support import install
from marketing_story import build
from report_support import everywhere, run
from sqlalchemy import Engine

from embudo.domain.errors import InvalidInput


@pytest.fixture
def story(store: Engine) -> Engine:
    build(store)
    return store


def test_all_history_month_over_month(story: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "lead-velocity")
    assert rows == [
        {"month": "2024-03", "mqls": 3, "previous_mqls": 0, "growth_rate": None},
        {"month": "2024-04", "mqls": 2, "previous_mqls": 3, "growth_rate": -1 / 3},
        {"month": "2024-05", "mqls": 1, "previous_mqls": 2, "growth_rate": -0.5},
    ]


def test_the_first_month_compares_with_the_month_before_the_period(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    rows = everywhere(store_url, tmp_path, "lead-velocity", start="2024-04-01", end="2024-06-30")
    assert [(r["month"], r["mqls"], r["previous_mqls"], r["growth_rate"]) for r in rows] == [
        ("2024-04", 2, 3, -1 / 3),
        ("2024-05", 1, 2, -0.5),
        ("2024-06", 0, 1, -1.0),
    ]


def test_by_campaign_every_month_of_each_group(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    """ana's first touch is `spring`, dee's `promo`; bob, cy and eve have none."""
    rows = everywhere(store_url, tmp_path, "lead-velocity", by="campaign")
    assert [(r["campaign"], r["month"], r["mqls"], r["growth_rate"]) for r in rows] == [
        ("promo", "2024-03", 0, None),
        ("promo", "2024-04", 1, None),
        ("promo", "2024-05", 0, -1.0),
        ("spring", "2024-03", 1, None),
        ("spring", "2024-04", 0, -1.0),
        ("spring", "2024-05", 0, None),
        (None, "2024-03", 2, None),
        (None, "2024-04", 1, -0.5),
        (None, "2024-05", 1, 0.0),
    ]


def test_nothing_qualified_is_no_row(store: Engine, store_url: str, tmp_path: Path) -> None:
    install(store)
    assert everywhere(store_url, tmp_path, "lead-velocity") == []


def test_it_is_monthly_already(story: Engine, store_url: str) -> None:
    with pytest.raises(InvalidInput, match="lead-velocity cannot be grouped by month"):
        run(store_url, "lead-velocity", by="month")
