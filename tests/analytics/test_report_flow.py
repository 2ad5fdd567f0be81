"""`flow` on the back-and-forth story (`report_support.back_and_forth`), everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import back_and_forth, everywhere, second_device
from sqlalchemy import Engine


@pytest.fixture
def story(store: Engine) -> Engine:
    back_and_forth(store)
    return store


def _pairs(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["from_stage"], r["to_stage"], r["direction"], r["count"]) for r in rows]


def test_every_move_with_the_backward_ones(story: Engine, store_url: str, tmp_path: Path) -> None:
    assert _pairs(everywhere(store_url, tmp_path, "flow")) == [
        (None, "visitor", "enter", 3),
        ("visitor", "lead", "forward", 3),
        ("lead", "mql", "forward", 1),
        ("lead", "disqualified", "backward", 1),
        ("mql", "sql", "forward", 1),
        ("mql", "nurture", "backward", 1),
        ("nurture", "mql", "forward", 1),
        ("disqualified", "lead", "forward", 1),
    ]


def test_a_contact_merged_away_is_not_counted(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    second_device(story)
    rows = everywhere(store_url, tmp_path, "flow")
    assert _pairs(rows)[0] == (None, "visitor", "enter", 3)
    assert rows[0]["contacts"] == 3


def test_a_period_and_its_months(story: Engine, store_url: str, tmp_path: Path) -> None:
    april = everywhere(store_url, tmp_path, "flow", start="2024-04-01", end="2024-04-30")
    assert _pairs(april) == [
        (None, "visitor", "enter", 1),
        ("visitor", "lead", "forward", 1),
        ("disqualified", "lead", "forward", 1),
    ]
    months = everywhere(store_url, tmp_path, "flow", by="month")
    assert [(row["month"], row["count"]) for row in months if row["to_stage"] == "visitor"] == [
        ("2024-03", 2),
        ("2024-04", 1),
    ]


def test_by_property_each_contact_has_its_own_moves(
    store: Engine, store_url: str, tmp_path: Path
) -> None:
    back_and_forth(store)
    rows = everywhere(store_url, tmp_path, "flow", by="property:email")
    ana = [(r["from_stage"], r["to_stage"]) for r in rows if r["email"] == "ana@example.com"]
    assert ana == [
        (None, "visitor"),
        ("visitor", "lead"),
        ("lead", "mql"),
        ("mql", "sql"),
        ("mql", "nurture"),
        ("nurture", "mql"),
    ]
    assert all(r["contacts"] == 1 for r in rows if r["email"] is not None)
