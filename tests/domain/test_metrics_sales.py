"""The sales reports' formulas on plain numbers: medians, weighted amounts, shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from embudo.domain import metrics


@pytest.mark.parametrize(
    ("middle_total", "middle_count", "days"),
    [
        (3 * 86_400, 1, 3.0),
        ((2 + 3) * 86_400, 2, 2.5),
        (86_400 + 43_200, 2, 0.75),
        (0, 0, None),
    ],
)
def test_median_days_is_the_mean_of_the_middle_values(
    middle_total: int, middle_count: int, days: float | None
) -> None:
    assert metrics.median_days(middle_total, middle_count) == days


def test_days_of_whole_seconds() -> None:
    assert (metrics.days(0), metrics.days(129_600)) == (0.0, 1.5)


def test_weighted_amount_uses_the_probabilities_as_written() -> None:
    """0.1 + 0.2 as binary floats is 0.30000000000000004; as decimals, exactly 0.3."""
    parts = [(Decimal("1000.0000"), 0.1), (Decimal("1000.0000"), 0.2), (Decimal("0.0050"), 1.0)]
    assert metrics.weighted_amount(parts) == Decimal("300.00")
    assert metrics.weighted_amount([]) == Decimal("0.00")
