"""Every report formula, once: ratios computed from counts and sums the reports aggregate.

The reports add up counts, amounts and durations in the engine (SQLite,
PostgreSQL or DuckDB, through Ibis) and hand the totals here. Keeping the
division in plain Python is what makes the three engines agree to the last
digit: they all return the same integers and the same 4-decimal amounts, and
only this module turns them into rates and averages. `docs/metrics.md` writes
each formula down with its JSON column name.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

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


def median_days(middle_total_seconds: int, middle_count: int) -> float | None:
    """The median duration in days, from the middle one (odd count) or two (even count)
    durations of the sorted list: their mean. Whole seconds in, so every engine agrees."""
    return average_days(middle_total_seconds, middle_count)


def days(seconds: int) -> float:
    """A duration in whole seconds, in days."""
    return seconds / SECONDS_PER_DAY


def weighted_amount(parts: Iterable[tuple[Decimal, float]]) -> Decimal:
    """Amount times probability, summed over (amount, stage probability) pairs, to the cent.

    The probability is taken as the decimal it was written as (0.2, not the
    binary float nearest it), so the product is exact before rounding.
    """
    total = sum((amount * Decimal(str(probability)) for amount, probability in parts), Decimal(0))
    return total.quantize(CENTS)
