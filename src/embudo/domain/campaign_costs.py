"""What a campaign cost is: an amount spent on a campaign over whole days, both included.

Costs feed the attribution report's cost per lead, CAC and ROI. A cost
covers the days from `start` to `end`; a report period that covers part of
it takes the part in proportion to the days (`prorated_cost`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from embudo.domain.deals import check_amount
from embudo.domain.errors import InvalidInput

STORED = Decimal("0.0001")


def check_cost(campaign: str, start: date, end: date, amount: Decimal) -> Decimal:
    """The cost's amount, refused when it is negative, unstorable, or its period runs backwards."""
    subject = f"cost of campaign '{campaign}'"
    if end < start:
        raise InvalidInput(
            f"{subject}: --from {start} is after --to {end} — both days are included"
        )
    if amount.is_finite() and amount < 0:
        raise InvalidInput(f"{subject}: amount {amount} is negative — a cost is 0 or more")
    return check_amount(amount, subject)


def parse_cost(campaign: str, text: str) -> Decimal:
    """An amount as a person types it (`1200.50`); checked with the rest by `check_cost`."""
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(
            f"cost of campaign '{campaign}': amount '{text}' is not a number — "
            "write it like 1200.50"
        ) from None


def overlaps(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Two periods of days (both ends included) share at least one day."""
    return start <= other_end and other_start <= end


def prorated_cost(
    amount: Decimal, start: date, end: date, first: date | None, last: date | None
) -> Decimal:
    """The part of a cost spent from `first` to `last` (None: open), in proportion to the days.

    Rounded to the stored 4 decimals; the whole amount when the period covers it.
    """
    low = start if first is None else max(start, first)
    high = end if last is None else min(end, last)
    if high < low:
        return Decimal(0).quantize(STORED)
    share = Decimal((high - low).days + 1) / Decimal((end - start).days + 1)
    return (amount * share).quantize(STORED)
