"""Recording campaign costs: new, corrected, refused (unknown campaign, overlap, bad amount)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from funnel_support import at, feed, install, page, spec_document, workspace
from sqlalchemy import Engine, select

from embudo.domain.errors import InvalidInput, NotFound
from embudo.engine.campaign_costs import CampaignCost, record_campaign_cost
from embudo.store.tables import campaign_costs

SPRING = {"name": "spring", "source": "google", "medium": "cpc"}


@pytest.fixture
def spring(store: Engine) -> Engine:
    """A workspace where one touch named the `spring` campaign."""
    install(store, spec_document())
    feed(store, [{**page("p1", at(0), user="ana"), "context": {"campaign": SPRING}}])
    return store


def _record(store: Engine, cost: CampaignCost) -> bool:
    with store.begin() as conn:
        return record_campaign_cost(conn, workspace(store).id, cost)


def _costs(store: Engine) -> list[tuple[date, date, Decimal, str]]:
    c = campaign_costs
    with store.connect() as conn:
        rows = conn.execute(
            select(c.c.period_start, c.c.period_end, c.c.amount, c.c.currency).order_by(
                c.c.period_start
            )
        )
        return [tuple(row) for row in rows]


def cost(start: str, end: str, amount: str, currency: str = "eur") -> CampaignCost:
    return CampaignCost(
        "spring", date.fromisoformat(start), date.fromisoformat(end), Decimal(amount), currency
    )


def test_a_cost_is_recorded_and_the_same_first_day_corrects_it(spring: Engine) -> None:
    assert _record(spring, cost("2024-03-01", "2024-03-31", "310")) is True
    assert _record(spring, cost("2024-04-01", "2024-04-30", "100.5")) is True
    assert _record(spring, cost("2024-03-01", "2024-03-15", "150", "usd")) is False
    assert _costs(spring) == [
        (date(2024, 3, 1), date(2024, 3, 15), Decimal("150.0000"), "USD"),
        (date(2024, 4, 1), date(2024, 4, 30), Decimal("100.5000"), "EUR"),
    ]


@pytest.mark.parametrize(
    ("recorded", "error", "message"),
    [
        (
            CampaignCost("autumn", date(2024, 3, 1), date(2024, 3, 2), Decimal(1), "EUR"),
            NotFound,
            "no campaign 'autumn'",
        ),
        (
            cost("2024-03-10", "2024-04-05", "1"),
            InvalidInput,
            "overlaps the one from 2024-03-01 to 2024-03-31",
        ),
        (cost("2024-05-02", "2024-05-01", "1"), InvalidInput, "--from 2024-05-02 is after"),
        (cost("2024-05-01", "2024-05-31", "-1"), InvalidInput, "negative — a cost is 0 or more"),
        (cost("2024-05-01", "2024-05-31", "1.00001"), InvalidInput, "at most 4 decimals"),
        (cost("2024-05-01", "2024-05-31", "1", "EURO"), InvalidInput, "unknown currency 'EURO'"),
    ],
)
def test_a_refused_cost_changes_nothing(
    spring: Engine, recorded: CampaignCost, error: type[Exception], message: str
) -> None:
    _record(spring, cost("2024-03-01", "2024-03-31", "310"))
    with pytest.raises(error, match=message):
        _record(spring, recorded)
    assert _costs(spring) == [(date(2024, 3, 1), date(2024, 3, 31), Decimal("310.0000"), "EUR")]
