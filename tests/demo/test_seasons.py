"""The calendar of the demo: months that clamp, and arrivals by day in office hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random

import pytest

from embudo.demo.seasons import add_months, arrivals_by_day, utc


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2024, 1, 1, tzinfo=UTC), 12, datetime(2025, 1, 1, tzinfo=UTC)),
        (datetime(2024, 1, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2023, 11, 15, 9, tzinfo=UTC), 3, datetime(2024, 2, 15, 9, tzinfo=UTC)),
        (datetime(2024, 5, 1, tzinfo=UTC), 0, datetime(2024, 5, 1, tzinfo=UTC)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


def test_an_aware_start_is_converted_to_utc() -> None:
    madrid = datetime(2024, 1, 1, 1, tzinfo=UTC) + timedelta(hours=0)
    assert utc(madrid.astimezone()).tzinfo is UTC


def test_arrivals_fall_on_their_day_and_add_up() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    days = list(arrivals_by_day(Random(1), 5000, start, add_months(start, 12)))
    assert len(days) == 366
    assert sum(len(arrivals) for _, arrivals in days) == 5000
    assert all(day <= at < day + timedelta(days=1) for day, arrivals in days for at in arrivals)
    hours = [at.hour for _, arrivals in days for at in arrivals]
    assert sum(9 <= hour < 21 for hour in hours) > 0.6 * len(hours)
