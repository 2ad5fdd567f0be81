"""Campaign costs on plain values: overlapping periods and the part of a cost a period takes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from embudo.domain.campaign_costs import overlaps, prorated_cost

MARCH = (date(2024, 3, 1), date(2024, 3, 31))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 31), date(2024, 4, 30), True),
        (date(2024, 2, 1), date(2024, 3, 1), True),
        (date(2024, 4, 1), date(2024, 4, 30), False),
        (date(2024, 2, 1), date(2024, 2, 29), False),
    ],
)
def test_overlaps_shares_a_day(start: date, end: date, expected: bool) -> None:
    assert overlaps(start, end, *MARCH) is expected


@pytest.mark.parametrize(
    ("first", "last", "part"),
    [
        (None, None, Decimal("310.0000")),
        (date(2024, 1, 1), date(2024, 12, 31), Decimal("310.0000")),
        (date(2024, 3, 1), date(2024, 3, 10), Decimal("100.0000")),
        (date(2024, 3, 31), None, Decimal("10.0000")),
        (None, date(2024, 2, 29), Decimal("0.0000")),
        (date(2024, 3, 2), date(2024, 3, 2), Decimal("10.0000")),
    ],
)
def test_prorated_cost_takes_the_days_in_the_period(
    first: date | None, last: date | None, part: Decimal
) -> None:
    assert prorated_cost(Decimal("310"), *MARCH, first, last) == part


def test_a_third_is_rounded_to_the_stored_decimals() -> None:
    assert prorated_cost(
        Decimal("100"), date(2024, 3, 1), date(2024, 3, 3), None, date(2024, 3, 1)
    ) == Decimal("33.3333")
