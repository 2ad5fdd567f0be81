"""One clinic-and-university history for the sales reports, built through the real engine.

T0 = 2024-03-01 09:00 UTC, day N = T0 + N days; NOW (the report's clock) is
2024-09-01 12:00, day 184.125. Every person is a visitor and a lead at day 1
(an anonymous visitor, contact 1, arrives at day 0 and never identifies);
opening a deal lifts its contact to opportunity, winning it to customer.
Pipelines (`deal_support`): treatment — first_consultation (p 0.2, rots
after 7 days), diagnosis (0.4), quote (0.6), treatment_started (won),
treatment_not_started (lost); admissions — info_session (0.2), enrolled
(won), not_enrolled (lost).

Deals (fc = first_consultation; amount, owner, expected close; history):
1. ana, treatment 1,000, rep, 2024-03-20: fc d10, diagnosis d12, back to fc
   d13, quote d16, won d20.
2. bob, treatment 3,000, sam, 2024-10-15: fc d10, lost d15 (price, contact
   recycled to nurture), reopened into diagnosis d18 (contact back to opportunity).
3. cy, admissions 500, rep, 2024-09-30: info_session d12.
4. dee, treatment 2,000, rep, no date: fc d11, lost d13 (timing), reopened
   into fc d14.
5. eve, treatment 1,500, no owner, 2024-10-20: fc d11, quote d12, lost d25
   (competitor).
6. fay, treatment 800, sam, no date: fc d11, lost d14 (price).
7. gus, admissions 700, sam, no date: info_session d12, won d22.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deal_support import REP, new_deal, ready
from funnel_support import NOW, at, workspace
from sqlalchemy import Engine

from embudo.domain.deals import DealSource
from embudo.engine.deals import lose_deal, move_deal, win_deal
from embudo.engine.users import add_user

SAM = "sam@example.com"
DAY = 86_400


def build(store: Engine) -> dict[str, int]:
    """The history above, in `store`; each person's deal id."""
    ready(store, "ana", "bob", "cy", "dee", "eve", "fay", "gus")
    with store.begin() as conn:
        add_user(conn, workspace(store).id, SAM, name="Sam", now=NOW)
    ana, bob, cy, dee, eve, fay, gus = _open_deals(store)
    ws = workspace(store)
    sale: dict[str, Any] = {"actor": REP, "source": DealSource.CLI, "now": NOW}
    with store.begin() as conn:
        move_deal(conn, ws, ana, "diagnosis", at=at(12), **sale)
        move_deal(conn, ws, ana, "first_consultation", at=at(13), **sale)
        move_deal(conn, ws, ana, "quote", at=at(16), **sale)
        win_deal(conn, ws, ana, at=at(20), **sale)
        lose_deal(conn, ws, bob, "price", at=at(15), recycle=True, **sale)
        move_deal(conn, ws, bob, "diagnosis", at=at(18), **sale)
        lose_deal(conn, ws, dee, "timing", at=at(13), **sale)
        move_deal(conn, ws, dee, "first_consultation", at=at(14), **sale)
        move_deal(conn, ws, eve, "quote", at=at(12), **sale)
        lose_deal(conn, ws, eve, "competitor", at=at(25), **sale)
        lose_deal(conn, ws, fay, "price", at=at(14), **sale)
        win_deal(conn, ws, gus, at=at(22), **sale)
    return {"ana": ana, "bob": bob, "cy": cy, "dee": dee, "eve": eve, "fay": fay, "gus": gus}


def _open_deals(store: Engine) -> list[int]:
    return [
        new_deal(store, "ana", day=10, amount="1000", owner_email=REP, expected_close_on=_d(3, 20)),
        new_deal(
            store, "bob", day=10, amount="3000", owner_email=SAM, expected_close_on=_d(10, 15)
        ),
        new_deal(
            store,
            "cy",
            day=12,
            amount="500",
            pipeline="admissions",
            owner_email=REP,
            expected_close_on=_d(9, 30),
        ),
        new_deal(store, "dee", day=11, amount="2000", owner_email=REP),
        new_deal(store, "eve", day=11, amount="1500", expected_close_on=_d(10, 20)),
        new_deal(store, "fay", day=11, amount="800", owner_email=SAM),
        new_deal(store, "gus", day=12, amount="700", pipeline="admissions", owner_email=SAM),
    ]


def _d(month: int, day: int) -> date:
    return date(2024, month, day)


def mean(*days: float) -> float:
    """The mean of durations given in days, computed as the report does: seconds, then days."""
    return round(sum(days) * DAY) / len(days) / DAY
