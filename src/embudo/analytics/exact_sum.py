"""Fractions added up exactly, and read rounded without reducing the sum.

Multiplying and adding `Fraction`s reduces every result by a gcd of ever
larger numbers. Attribution adds a part per deal and key, and time-decay's
parts each have their own denominator (the deal's sum of powers), so at
1,000,000 contacts one key's exact sum is a ratio of integers of about
110,000 bits: adding 124,000 such parts as `Fraction`s took 4.3 CPU
seconds, reducing the final ratios alone 1.4 s, and `Decimal` reading them
2.3 s. So:

- parts are kept per denominator, their numerators added as integers (most
  parts share one of a few denominators: a touch count, the models' fifths
  and tenths, the amounts' ten-thousandths);
- the distinct denominators are added pairwise, as a balanced tree, never
  reduced (0.6 s for all of them at full size);
- reading the sum rounded to the cent (`metrics.attributed_amount`) works
  the rounding out on the ratio cut to 256 bits after the binary point, from
  below and from above: rounding is monotonic, so when both give the same
  cents the exact sum gives them too. Only when a rounding boundary lies
  within 2⁻²⁵⁶ of the sum is the exact ratio reduced and read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from embudo.domain import metrics

PRECISION = 256
"""Bits after the binary point the sum is cut to before it is rounded to the cent."""


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
        """The float nearest the sum: integer division rounds correctly, reduced or not."""
        numerator, denominator = self._ratio()
        return numerator / denominator

    def cents(self) -> Decimal:
        """`metrics.attributed_amount` of the sum, the same as of `total()`."""
        numerator, denominator = self._ratio()
        below = (numerator << PRECISION) // denominator
        found = metrics.attributed_amount(Fraction(below, 1 << PRECISION))
        if found == metrics.attributed_amount(Fraction(below + 1, 1 << PRECISION)):
            return found
        return metrics.attributed_amount(Fraction(numerator, denominator))

    def _ratio(self) -> tuple[int, int]:
        """The sum as (numerator, denominator), not reduced: the parts added pairwise."""
        parts = [(top, bottom) for bottom, top in self._numerators.items()]
        while len(parts) > 1:
            paired = [_added(*parts[index : index + 2]) for index in range(0, len(parts) - 1, 2)]
            parts = paired + parts[len(paired) * 2 :]
        return parts[0] if parts else (0, 1)


def _added(first: tuple[int, int], second: tuple[int, int]) -> tuple[int, int]:
    return first[0] * second[1] + second[0] * first[1], first[1] * second[1]
