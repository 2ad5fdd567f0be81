"""What a deal is worth in each template's business, so pipeline values look real.

Amounts are keyed by the pipelines the templates ship (a university's tuition
deposit, a clinic's treatment quote, a B2B first-year contract, a holiday
booking); a pipeline of the user's own falls back to a generic range. Drawn
log-uniformly, so small deals are common and big ones rare, and rounded the
way a price list is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from random import Random


@dataclass(frozen=True, slots=True)
class PriceRange:
    low: int
    high: int
    step: int
    """Prices are multiples of this (a quote of 2,350, not 2,347.18)."""

    def draw(self, rng: Random, share: float = 1.0) -> Decimal:
        """A price in the range, scaled by `share` (a repeat purchase buys less), rounded."""
        value = math.exp(rng.uniform(math.log(self.low), math.log(self.high))) * share
        return Decimal(max(1, round(value / self.step)) * self.step)


PRICES = {
    "admissions": PriceRange(1_500, 9_000, 50),
    "treatment": PriceRange(600, 12_000, 10),
    "new_business": PriceRange(6_000, 80_000, 500),
    "bookings": PriceRange(900, 8_000, 5),
}
GENERIC = PriceRange(500, 20_000, 50)


def price_range(pipeline: str) -> PriceRange:
    return PRICES.get(pipeline, GENERIC)
