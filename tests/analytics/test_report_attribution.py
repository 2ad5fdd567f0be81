"""`attribution` on the marketing story (`marketing_story`), on every engine.

ana's deal (1,000, won day 20) has four touches: `spring` (paid_search) day
0, `newsletter` (email) day 0.5, `promo` (social) day 1 + 1 h — the last
before she became a lead (day 1 + 2 h) — and `newsletter` day 8, the last
before her deal opened (day 10). bob's deal (500, won day 45) has no touch:
his first touch, direct, takes it all.

First touches (leads, MQLs, new customers): ana `spring`; dee `promo`; bob,
cy and eve direct (bob qualified twice). Costs: `spring` 310 over March,
`promo` 610 over March and April.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from marketing_story import build
from report_support import everywhere
from sqlalchemy import Engine

from embudo.domain.attribution import HALF_LIFE_DAYS

DIRECT = ("direct", None)
EMAIL = ("email", "newsletter")
PAID = ("paid_search", "spring")
SOCIAL = ("social", "promo")
KEYS = [DIRECT, EMAIL, PAID, SOCIAL]


@pytest.fixture
def story(store: Engine) -> Engine:
    build(store)
    return store


def _revenue(rows: list[dict[str, Any]], model: str) -> dict[tuple[str, str | None], Decimal]:
    return {(r["channel"], r["campaign"]): r["revenue"] for r in rows if r["model"] == model}


def _decayed(half_life: float = HALF_LIFE_DAYS) -> list[Fraction]:
    """ana's touches are 20, 19.5, 18 23/24 and 12 days old when she buys."""
    ages = [Fraction(20), Fraction(39, 2), Fraction(18 * 24 + 23, 24), Fraction(12)]
    weights = [Fraction(0.5 ** (float(age - 12) / half_life)) for age in ages]
    return [weight / sum(weights) for weight in weights]


def _cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def test_each_model_shares_the_revenue(story: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "attribution")
    assert [(r["model"], r["channel"], r["campaign"]) for r in rows[:4]] == [
        ("first-touch", *key) for key in KEYS
    ]
    expected = {
        "first-touch": ["500.00", "0.00", "1000.00", "0.00"],
        "last-touch": ["500.00", "1000.00", "0.00", "0.00"],
        "linear": ["500.00", "500.00", "250.00", "250.00"],
        "u-shaped": ["500.00", "200.00", "400.00", "400.00"],
        "w-shaped": ["500.00", "400.00", "300.00", "300.00"],
    }
    for model, amounts in expected.items():
        assert _revenue(rows, model) == dict(zip(KEYS, map(Decimal, amounts), strict=True))
    w = _decayed()
    assert _revenue(rows, "time-decay") == {
        DIRECT: Decimal("500.00"),
        EMAIL: _cents(1000 * (w[1] + w[3])),
        PAID: _cents(1000 * w[0]),
        SOCIAL: _cents(1000 * w[2]),
    }
    linear = {
        (r["channel"], r["campaign"]): r["attributed_deals"] for r in rows if r["model"] == "linear"
    }
    assert linear == {DIRECT: 1.0, EMAIL: 0.5, PAID: 0.25, SOCIAL: 0.25}


def test_costs_per_lead_and_customer_and_roi(story: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "attribution")
    first = {(r["channel"], r["campaign"]): r for r in rows if r["model"] == "first-touch"}
    acquired = {key: (r["leads"], r["mqls"], r["customers"]) for key, r in first.items()}
    assert acquired == {DIRECT: (3, 4, 1), EMAIL: (0, 0, 0), PAID: (1, 1, 1), SOCIAL: (1, 1, 0)}
    paid, social, email = first[PAID], first[SOCIAL], first[EMAIL]
    assert (paid["cost"], paid["cost_per_lead"], paid["cost_per_mql"], paid["cac"]) == (
        Decimal("310.0000"),
        Decimal("310.00"),
        Decimal("310.00"),
        Decimal("310.00"),
    )
    assert paid["roi"] == (1000 - 310) / 310
    assert (social["cost"], social["cac"], social["roi"]) == (Decimal("610.0000"), None, -1.0)
    assert (email["cost"], email["cost_per_lead"], email["roi"]) == (None, None, None)
    u_shaped = next(r for r in rows if r["model"] == "u-shaped" and r["campaign"] == "promo")
    assert u_shaped["roi"] == (400 - 610) / 610


def test_a_period_takes_its_deals_and_its_days_of_each_cost(
    story: Engine, store_url: str, tmp_path: Path
) -> None:
    """March: ana's deal only; promo's 610 over 61 days gives March 310."""
    rows = everywhere(store_url, tmp_path, "attribution", start="2024-03-01", end="2024-03-31")
    last = {(r["channel"], r["campaign"]): r for r in rows if r["model"] == "last-touch"}
    assert sorted(last, key=repr) == sorted([DIRECT, EMAIL, PAID, SOCIAL], key=repr)
    assert last[EMAIL]["revenue"] == Decimal("1000.00")
    assert last[DIRECT]["revenue"] == Decimal("0.00")
    assert (last[SOCIAL]["cost"], last[SOCIAL]["roi"]) == (Decimal("310.0000"), -1.0)
    assert (last[DIRECT]["leads"], last[DIRECT]["mqls"], last[DIRECT]["customers"]) == (2, 2, 0)


def test_by_month(story: Engine, store_url: str, tmp_path: Path) -> None:
    rows = everywhere(store_url, tmp_path, "attribution", by="month")
    first = [(r["month"], r["channel"], r["revenue"]) for r in rows if r["model"] == "first-touch"]
    assert ("2024-03", "paid_search", Decimal("1000.00")) in first
    assert ("2024-04", "direct", Decimal("500.00")) in first
    assert {month for month, _, _ in first} == {"2024-03", "2024-04", "2024-05"}


def test_one_model_with_its_half_life(story: Engine, store_url: str, tmp_path: Path) -> None:
    """`--model time-decay --half-life 1`: only its rows, ana's touches a day old weigh half."""
    rows = everywhere(store_url, tmp_path, "attribution", model="time-decay", half_life="1")
    assert {row["model"] for row in rows} == {"time-decay"}
    assert [(row["channel"], row["campaign"]) for row in rows] == KEYS
    w = _decayed(1)
    assert _revenue(rows, "time-decay") == {
        DIRECT: Decimal("500.00"),
        EMAIL: _cents(1000 * (w[1] + w[3])),
        PAID: _cents(1000 * w[0]),
        SOCIAL: _cents(1000 * w[2]),
    }
    assert _revenue(rows, "time-decay") != _revenue(
        everywhere(store_url, tmp_path, "attribution"), "time-decay"
    )
    [paid] = [
        row
        for row in everywhere(store_url, tmp_path, "attribution", model="first-touch")
        if row["campaign"] == "spring"
    ]
    assert (paid["model"], paid["revenue"]) == ("first-touch", Decimal("1000.00"))
