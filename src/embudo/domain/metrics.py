"""Every report formula, once: ratios computed from counts and sums the reports aggregate.

The reports add up counts, amounts and durations in the engine (SQLite,
PostgreSQL or DuckDB, through Ibis) and hand the totals here. Keeping the
division in plain Python is what makes the three engines agree to the last
digit: they all return the same integers and the same 4-decimal amounts, and
only this module turns them into rates and averages. `docs/metrics.md` writes
each formula down with its JSON column name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
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
    open_deals: int, won: int, lost: int, won_value: Decimal, won_seconds: int
) -> float | None:
    """Value the pipeline closes per day: open deals * win rate * avg deal size / avg days.

    From the counts and sums, never from the rounded averages shown beside it
    (the deal size to the cent moved Maven's velocity by a cent). Written out,
    open * won/(won+lost) * (won_value/won) / (won_seconds/won/86,400) is
        open * won_value * won * 86,400 / ((won + lost) * won_seconds),
    computed exactly and rounded once, to a float, so every engine agrees.
    None when no deal was won (a factor is unknown) or the won deals took no time.
    """
    if not won or not won_seconds:
        return None
    numerator = Fraction(open_deals) * Fraction(won_value) * won * SECONDS_PER_DAY
    return float(numerator / ((won + lost) * won_seconds))


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


def monthly_target(per_month: int | None, days: int, month_days: int) -> float | None:
    """The monthly target for `days` of a month of `month_days` days (prorated by days).

    A whole month's target is `per_month` itself; None when there is no target.
    """
    if per_month is None:
        return None
    return per_month * days / month_days


def attainment(delivered: int, target: float | None) -> float | None:
    """delivered ÷ target: 1.0 is the target met exactly; None without a target."""
    if not target:
        return None
    return delivered / target


def tally(counts: Mapping[str, int]) -> str | None:
    """Counts per key as one text cell, by key: `no_budget=2, not_ready=1`; None when empty."""
    shown = [f"{key}={count}" for key, count in sorted(counts.items()) if count]
    return ", ".join(shown) or None


def attributed_amount(total: Fraction) -> Decimal:
    """An exact share of revenue (a `Fraction` of amounts) to the cent, half-even."""
    return (Decimal(total.numerator) / Decimal(total.denominator)).quantize(CENTS)


def roi(revenue: Decimal, cost: Decimal | None) -> float | None:
    """(revenue - cost) ÷ cost: 1.0 earned the cost back twice; None without a cost."""
    if cost is None:
        return None
    return share(revenue - cost, cost)


def cost_per(cost: Decimal | None, count: int) -> Decimal | None:
    """Cost per lead, per MQL or per new customer (CAC), to the cent; None without either."""
    if cost is None:
        return None
    return average_amount(cost, count)


def median_days(middle_total_seconds: int, middle_count: int) -> float | None:
    """The median duration in days, from the middle one (odd count) or two (even count)
    durations of the sorted list: their mean. Whole seconds in, so every engine agrees."""
    return average_days(middle_total_seconds, middle_count)


def days(seconds: float) -> float:
    """A duration in seconds (whole, or the mean of two whole ones), in days."""
    return seconds / SECONDS_PER_DAY


def weighted_amount(parts: Iterable[tuple[Decimal, float]]) -> Decimal:
    """Amount times probability, summed over (amount, stage probability) pairs, to the cent.

    The probability is taken as the decimal it was written as (0.2, not the
    binary float nearest it), so the product is exact before rounding.
    """
    total = sum((amount * Decimal(str(probability)) for amount, probability in parts), Decimal(0))
    return total.quantize(CENTS)


def relative_change(current: float | Decimal, previous: float | Decimal) -> float | None:
    """(current - previous) ÷ |previous|: +0.2 is 20% up; None from zero (no base to compare).

    The overview's change against the previous period, and `lead-velocity`'s growth.

    Decimals through `str`, so a float like 0.1 counts as written, not as its binary value.
    """
    if not previous:
        return None
    base = Decimal(str(previous))
    return float((Decimal(str(current)) - base) / abs(base))
