"""SQLite's medians: the middle one or two of a group's durations, as DuckDB and PostgreSQL
give them (exact; for an even count the mean of the middle two)."""

from __future__ import annotations

import json
import statistics

from hypothesis import given
from hypothesis import strategies as st

from embudo.analytics.medians import median_days
from embudo.domain.metrics import SECONDS_PER_DAY


def test_an_odd_count_gives_the_middle_duration() -> None:
    assert median_days("[86400,0,432000]") == 1.0


def test_an_even_count_gives_the_mean_of_the_middle_two() -> None:
    assert median_days("[0,172800,86400,864000]") == 1.5


def test_no_durations_have_no_median() -> None:
    assert median_days("[]") is None


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**10), min_size=1, max_size=200))
def test_the_median_is_the_statistics_median(durations: list[int]) -> None:
    expected = statistics.median(durations) / SECONDS_PER_DAY

    assert median_days(json.dumps(durations)) == expected
