"""The relative change the dashboard shows against the previous period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from embudo.domain.metrics import relative_change


@pytest.mark.parametrize(
    ("current", "previous", "change"),
    [
        (12, 10, 0.2),
        (5, 10, -0.5),
        (10, 10, 0.0),
        (Decimal("1500.00"), Decimal("1000.00"), 0.5),
        (0.3, 0.1, 2.0),
        (1, -2, 1.5),
        (7, 0, None),
    ],
)
def test_relative_change(
    current: float | Decimal, previous: float | Decimal, change: float | None
) -> None:
    assert relative_change(current, previous) == change
