"""`attribution.ExactSum`: parts kept per denominator add up to the exact `Fraction` sum."""

from __future__ import annotations

from fractions import Fraction

import pytest

from embudo.analytics.attribution import ExactSum

CASES = [
    [],
    [(1, 3)],
    [(1, 3), (2, 3), (1, 6)],
    [(2, 4), (3, 6), (-1, 2)],
    [(7, 10_000), (1, 2**60), (5, 7 * 10_000), (3, 2**60)],
]


@pytest.mark.parametrize("parts", CASES)
def test_the_total_is_the_exact_sum(parts: list[tuple[int, int]]) -> None:
    found = ExactSum()
    for numerator, denominator in parts:
        found.add(numerator, denominator)
    assert found.total() == sum((Fraction(n, d) for n, d in parts), Fraction(0))
