"""When visitors arrive: a yearly season, a working-week rhythm and office hours.

Traffic is drawn day by day so the simulator can release every step that
happened before the next day starts: nothing that arrives later can precede it.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from random import Random

DAY = timedelta(days=1)
CHUNK = 10_000
"""Arrival days are drawn this many at a time, so a million contacts need no big list."""
SEASON_AMPLITUDE = 0.35
WEEKDAY_WEIGHTS = (1.15, 1.2, 1.15, 1.1, 0.95, 0.55, 0.5)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 9, 9, 9, 10, 11, 11, 10, 8, 6, 4, 2)
_HOURS = range(24)
_HOUR_CUMULATIVE = tuple(accumulate(HOUR_WEIGHTS))


def utc(at: datetime) -> datetime:
    """`at` in UTC; a naive datetime is taken to be UTC already."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def add_months(at: datetime, months: int) -> datetime:
    """The same day and time `months` later, clamped to the month's last day (Jan 31 → Feb 28)."""
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def day_weight(day: datetime, peak_day: float) -> float:
    """Relative traffic of a day: a yearly sine peaking on `peak_day`, times the weekday."""
    phase = 2 * math.pi * (day.timetuple().tm_yday - peak_day) / 365.25
    return (1 + SEASON_AMPLITUDE * math.cos(phase)) * WEEKDAY_WEIGHTS[day.weekday()]


def arrivals_by_day(
    rng: Random, contacts: int, start: datetime, end: datetime
) -> Iterator[tuple[datetime, list[datetime]]]:
    """Each day from `start` (its first moment) with the sorted arrival times on it."""
    days = [start + DAY * index for index in range(max(1, (end - start) // DAY))]
    peak_day = rng.uniform(0, 365)
    weights = list(accumulate(day_weight(day, peak_day) for day in days))
    counts: Counter[int] = Counter()
    for first in range(0, contacts, CHUNK):
        drawn = min(CHUNK, contacts - first)
        counts.update(rng.choices(range(len(days)), cum_weights=weights, k=drawn))
    for index, day in enumerate(days):
        yield day, sorted(arrival(rng, day) for _ in range(counts[index]))


def arrival(rng: Random, day: datetime) -> datetime:
    """A moment within the 24 hours after `day`, more likely in office hours."""
    hour = rng.choices(_HOURS, cum_weights=_HOUR_CUMULATIVE)[0]
    return day + timedelta(hours=hour, seconds=rng.uniform(0, 3600))
