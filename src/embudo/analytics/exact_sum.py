"""Fractions added up exactly, and read rounded without reducing the sum.

Multiplying and adding `Fraction`s reduces every result by a gcd of ever
larger numbers. Attribution adds a part per deal and key, and time-decay's
parts each have their own denominator (the deal's sum of powers), so at
1,000,000 contacts one key's exact sum is a ratio of integers of about
110,000 bits: adding 124,000 such parts as `Fraction`s took 4.3 CPU
seconds; added pairwise without reducing, 0.6 s, but then reducing the
ratios took 1.4 s and reading them as `Decimal` 2.3 s. So:

- parts are kept per denominator, their numerators added as integers (most
  parts share one of a few denominators: a touch count, the models' fifths
  and tenths, the amounts' ten-thousandths);
- read rounded — to the cent (`metrics.attributed_amount`) or to a float —
  each part is cut to 256 bits after the binary point, which bounds the
  sum from below and above within a part's 2⁻²⁵⁶ each: rounding is
  monotonic, so when both bounds round alike the exact sum does too (0.1 s
  for all of them at full size). Only when a rounding boundary lies that
  close to the sum is the exact ratio worked out — its parts added
  pairwise, as a balanced tree, and reduced once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from embudo.domain import metrics

PRECISION = 256
"""Bits after the binary point each part is cut to before the sum is rounded."""
_Rounded = TypeVar("_Rounded", float, Decimal)


class ExactSum:
    """A sum of fractions, exact; read as a `Fraction`, a float or cents."""

    __slots__ = ("_numerators",)

    def __init__(self) -> None:
        self._numerators: dict[int, int] = defaultdict(int)

    def add(self, numerator: int, denominator: int) -> None:
        """Add numerator / denominator (not reduced: reducing is what this saves)."""
        self._numerators[denominator] += numerator

    def total(self) -> Fraction:
        """The exact sum, reduced (costly for sums of many denominators)."""
        return Fraction(*self._ratio())

    def __float__(self) -> float:
        """The float nearest the sum (correctly rounded, as `float(total())`)."""
        return self._rounded(float)

    def cents(self) -> Decimal:
        """`metrics.attributed_amount` of the sum, the same as of `total()`."""
        return self._rounded(metrics.attributed_amount)

    def _rounded(self, rounding: Callable[[Fraction], _Rounded]) -> _Rounded:
        """`rounding(total())` for a monotonic `rounding`, from the sum's bounds when it can.

        Each part cut to `PRECISION` bits after the binary point is at most 1
        below it, so the sum lies between the cut parts' sum and that plus
        one per part (in units of 2^-PRECISION). When both bounds round alike
        the sum does; else the exact ratio decides.
        """
        unit = 1 << PRECISION
        below = sum((top << PRECISION) // bottom for bottom, top in self._numerators.items())
        found = rounding(Fraction(below, unit))
        if found == rounding(Fraction(below + len(self._numerators), unit)):
            return found
        return rounding(self.total())

    def _ratio(self) -> tuple[int, int]:
        """The sum as (numerator, denominator), not reduced: the parts added pairwise."""
        parts = [(top, bottom) for bottom, top in self._numerators.items()]
        while len(parts) > 1:
            paired = [_added(*parts[index : index + 2]) for index in range(0, len(parts) - 1, 2)]
            parts = paired + parts[len(paired) * 2 :]
        return parts[0] if parts else (0, 1)


def _added(first: tuple[int, int], second: tuple[int, int]) -> tuple[int, int]:
    return first[0] * second[1] + second[0] * first[1], first[1] * second[1]
