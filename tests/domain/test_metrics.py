"""The report formulas on plain numbers: rates, averages, velocity, and their empty cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from embudo.domain import metrics


@pytest.mark.parametrize(
    ("won", "lost", "rate"),
    [
        (1, 3, 0.25),
        (0, 2, 0.0),
        (2, 0, 1.0),
        (0, 0, None),
        (Decimal("1000"), Decimal("3000"), 0.25),
    ],
)
def test_win_rate(won: int | Decimal, lost: int | Decimal, rate: float | None) -> None:
    assert metrics.win_rate(won, lost) == rate


@pytest.mark.parametrize(
    ("total", "count", "mean"),
    [
        (Decimal("3000.0000"), 2, Decimal("1500.00")),
        (Decimal("10.0000"), 3, Decimal("3.33")),
        (Decimal("0.0250"), 1, Decimal("0.02")),  # half-even: 0.025 → 0.02
        (Decimal("0"), 0, None),
    ],
)
def test_average_amount(total: Decimal, count: int, mean: Decimal | None) -> None:
    assert metrics.average_amount(total, count) == mean


def test_average_days() -> None:
    assert metrics.average_days(30 * 86_400, 2) == 15.0
    assert metrics.average_days(0, 0) is None


@pytest.mark.parametrize(
    ("open_deals", "won", "lost", "won_value", "won_seconds", "velocity"),
    [
        (1, 2, 1, Decimal("3000.00"), 30 * 86_400, 1 * (2 / 3) * 1500 / 15),
        (0, 1, 0, Decimal("100.00"), 2 * 86_400, 0.0),
        (3, 0, 0, Decimal(0), 0, None),
        (3, 0, 2, Decimal(0), 0, None),
        (3, 1, 1, Decimal("100.00"), 0, None),
        # avg size 100.005 shows as 100.00 (half-even) but velocity keeps the half cent
        (1, 2, 0, Decimal("200.01"), 2 * 86_400, 100.005),
    ],
)
def test_sales_velocity(
    open_deals: int,
    won: int,
    lost: int,
    won_value: Decimal,
    won_seconds: int,
    velocity: float | None,
) -> None:
    assert metrics.sales_velocity(open_deals, won, lost, won_value, won_seconds) == velocity


def test_at_least_counts_skipped_stages_as_reached() -> None:
    """Two stopped at rank 0, one at rank 2, one at rank 4: reached ranks 0..4."""
    assert metrics.at_least({0: 2, 2: 1, 4: 1}) == {4: 1, 3: 1, 2: 2, 1: 2, 0: 4}
    assert metrics.at_least({}) == {}


def test_conversions_from_the_stage_before() -> None:
    assert metrics.conversions([4, 2, 2, 0, 0]) == [None, 0.5, 1.0, 0.0, None]
    assert metrics.conversions([]) == []


@pytest.mark.parametrize(
    ("current", "previous", "rate"),
    [(3, 2, 0.5), (1, 2, -0.5), (0, 4, -1.0), (5, 5, 0.0), (3, 0, None), (0, 0, None)],
)
def test_growth_is_the_relative_change(current: int, previous: int, rate: float | None) -> None:
    assert metrics.relative_change(current, previous) == rate


@pytest.mark.parametrize(
    ("per_month", "days", "month_days", "target"),
    [(20, 31, 31, 20.0), (20, 15, 30, 10.0), (2, 15, 31, 30 / 31), (None, 31, 31, None)],
)
def test_monthly_target_is_prorated_by_days(
    per_month: int | None, days: int, month_days: int, target: float | None
) -> None:
    assert metrics.monthly_target(per_month, days, month_days) == target


@pytest.mark.parametrize(
    ("delivered", "target", "rate"), [(30, 20.0, 1.5), (0, 20.0, 0.0), (5, None, None)]
)
def test_attainment(delivered: int, target: float | None, rate: float | None) -> None:
    assert metrics.attainment(delivered, target) == rate


def test_tally_is_one_cell_ordered_by_key() -> None:
    assert metrics.tally({"not_ready": 1, "no_budget": 2, "duplicate": 0}) == (
        "no_budget=2, not_ready=1"
    )
    assert metrics.tally({}) is None
