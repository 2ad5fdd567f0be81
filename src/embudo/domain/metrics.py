"""Every report formula, once: ratios computed from counts and sums the reports aggregate.

The reports add up counts, amounts and durations in the engine (SQLite,
PostgreSQL or DuckDB, through Ibis) and hand the totals here. Keeping the
division in plain Python is what makes the three engines agree to the last
digit: they all return the same integers and the same 4-decimal amounts, and
only this module turns them into rates and averages. `docs/metrics.md` writes
each formula down with its JSON column name.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

SECONDS_PER_DAY = 86_400
CENTS = Decimal("0.01")


def share(part: int | Decimal, whole: int | Decimal) -> float | None:
    """`part ÷ whole` as a fraction (0.25, not 25); None when there is nothing to divide."""
    if not whole:
        return None
    return float(Decimal(part) / Decimal(whole))


def win_rate(won: int | Decimal, lost: int | Decimal) -> float | None:
    """won ÷ (won + lost): by count with deal counts, by value with their amounts."""
    return share(won, won + lost)


def average_amount(total: Decimal, count: int) -> Decimal | None:
    """The mean of `count` amounts adding up to `total`, to the cent (half-even)."""
    if not count:
        return None
    return (total / count).quantize(CENTS)


def average_days(total_seconds: int, count: int) -> float | None:
    """The mean duration in days of `count` spans adding up to `total_seconds`."""
    if not count:
        return None
    return total_seconds / count / SECONDS_PER_DAY


def sales_velocity(
    open_deals: int,
    rate: float | None,
    deal_size: Decimal | None,
    days_to_close: float | None,
) -> float | None:
    """Value the pipeline closes per day: open deals * win rate * avg deal size / avg days.

    None when a factor is unknown (no closed deal yet) or no deal took any time.
    """
    if rate is None or deal_size is None or not days_to_close:
        return None
    return open_deals * rate * float(deal_size) / days_to_close


def at_least(highest: dict[int, int]) -> dict[int, int]:
    """Contacts that reached each funnel rank, from how many stopped highest at each rank.

    A contact whose highest stage is rank 4 reached ranks 0 to 4 (skipped
    stages count as reached), so reached(r) = Σ highest(r') for r' ≥ r.
    """
    reached: dict[int, int] = {}
    total = 0
    for rank in range(max(highest, default=-1), -1, -1):
        total += highest.get(rank, 0)
        reached[rank] = total
    return reached


def conversions(reached: list[int]) -> list[float | None]:
    """Stage-to-stage conversion: reached(stage) ÷ reached(the stage before); None for the first."""
    if not reached:
        return []
    return [None, *(share(now, before) for before, now in pairwise(reached))]


def weighted_value(value: Decimal, probability: float) -> Decimal:
    """An open stage's value times its probability of closing won, to the cent (half-even)."""
    return (value * Decimal(str(probability))).quantize(CENTS)


def relative_change(current: float | Decimal, previous: float | Decimal) -> float | None:
    """(current - previous) ÷ |previous|: +0.2 is 20% up; None from zero (no base to compare).

    Decimals through `str`, so a float like 0.1 counts as written, not as its binary value.
    """
    if not previous:
        return None
    base = Decimal(str(previous))
    return float((Decimal(str(current)) - base) / abs(base))
