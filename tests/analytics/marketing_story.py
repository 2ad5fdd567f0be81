"""A small marketing history for the `sla`, `lead-velocity` and `attribution` reports.

T0 = 2024-03-01 09:00 UTC; day N is T0 + N days. The funnel is the seeds'
(`funnel_support`) with the clinic pipeline, SLA targets of 2 MQLs a month,
a 24-hour first touch and a close ratio of 1 in 4, and one sales rep.

- ana: clicks the `spring` ad (paid_search) day 0, opens the `newsletter`
  (email) day 0.5, registers for the webinar from the `promo` post (social)
  day 1 + 1 h, becomes a lead day 1 + 2 h, MQL day 2, accepted 3 h later (on
  time); opens the `newsletter` again day 8; deal of 1,000 opened day 10,
  won day 20 (2024-03-21).
- bob: MQL day 3, rejected day 5 for `no_budget` (48 h: late); registers
  again day 34, MQL again day 35 (2024-04-05), accepted 1 h later; deal of
  500 opened day 36, won day 45. No campaign touch at all: direct.
- cy: MQL day 4; a call completed 2 h later (on time); never answered.
- dee: clicks `promo` day 31, MQL day 33 (2024-04-03), rejected 2 h later
  for `not_a_fit` (on time).
- eve: MQL day 62 (2024-05-02), never touched.

Costs: `spring` 310 over March, `promo` 610 over March and April (61 days).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from deal_support import REP, deal_document
from funnel_support import NOW, at, feed, identify, install, page, track, workspace
from sqlalchemy import Engine

from embudo.domain.deals import DealSource
from embudo.domain.sla import TaskKind
from embudo.engine.campaign_costs import CampaignCost, record_campaign_cost
from embudo.engine.deals import create_deal, win_deal
from embudo.engine.handoff import accept_lead, reject_lead
from embudo.engine.tasks import NewTask, add_task, complete_task
from embudo.engine.users import add_user

SLA = {"mql_per_month": 2, "first_touch_hours": 24, "close_ratio": 0.25}
CHANNELS = [
    {"key": "paid_search", "match": {"medium": ["cpc"]}},
    {"key": "social", "match": {"medium": ["social"]}},
    {"key": "email", "match": {"medium": ["email"]}},
]
CAMPAIGNS = {
    "spring": {"name": "spring", "source": "google", "medium": "cpc"},
    "promo": {"name": "promo", "source": "facebook", "medium": "social"},
    "newsletter": {"name": "newsletter", "source": "mailchimp", "medium": "email"},
}
Message = dict[str, Any]


def touched(message: Message, campaign: str) -> Message:
    """`message` carrying the campaign's UTM parameters (`context.campaign`)."""
    return {**message, "context": {"campaign": CAMPAIGNS[campaign]}}


def mql(user: str, day: float) -> list[Message]:
    """Messages that make `user` a lead the day before `day` and an MQL at `day`."""
    return [
        identify(f"{user}-i", at(day - 1), user=user, email=f"{user}@lead.example"),
        track(f"{user}-r", "webinar_registered", at(day - 1), user=user),
        track(f"{user}-w", "webinar_watched", at(day), user=user),
    ]


def messages() -> list[Message]:
    return [
        touched(page("ana-p", at(0), user="ana"), "spring"),
        touched(page("ana-n0", at(0.5), user="ana"), "newsletter"),
        touched(track("ana-r", "webinar_registered", at(1, hours=1), user="ana"), "promo"),
        identify("ana-i", at(1, hours=2), user="ana", email="ana@lead.example"),
        track("ana-w", "webinar_watched", at(2), user="ana"),
        touched(page("ana-n", at(8), user="ana"), "newsletter"),
        *mql("bob", 3),
        track("bob-r2", "webinar_registered", at(34), user="bob"),
        track("bob-w2", "webinar_watched", at(35), user="bob"),
        *mql("cy", 4),
        touched(page("dee-p", at(31), user="dee"), "promo"),
        *mql("dee", 33),
        *mql("eve", 62),
    ]


def build(store: Engine) -> None:
    """The whole story, through the engine, in the order it happened."""
    install(store, deal_document(sla=SLA, channels=CHANNELS))
    with store.begin() as conn:
        add_user(conn, workspace(store).id, REP, name="Rep", now=at(0))
    feed(store, [m for m in messages() if _day(m) < 34])
    _answer(store, "ana", at(2, hours=3), None)
    _answer(store, "bob", at(5), "no_budget")
    _call(store, "cy", at(4, hours=2))
    _answer(store, "dee", at(33, hours=2), "not_a_fit")
    feed(store, [m for m in messages() if _day(m) >= 34])
    _answer(store, "bob", at(35, hours=1), None)
    _sale(store, "ana", Decimal("1000"), opened=at(10), won=at(20))
    _sale(store, "bob", Decimal("500"), opened=at(36), won=at(45))
    _cost(store, "spring", "2024-03-01", "2024-03-31", "310")
    _cost(store, "promo", "2024-03-01", "2024-04-30", "610")


def _cost(store: Engine, campaign: str, start: str, end: str, amount: str) -> None:
    spent = CampaignCost(
        campaign, date.fromisoformat(start), date.fromisoformat(end), Decimal(amount), "EUR"
    )
    with store.begin() as conn:
        record_campaign_cost(conn, workspace(store).id, spent)


def _day(message: Message) -> float:
    moment = datetime.fromisoformat(message["timestamp"])
    return (moment - at(0)).total_seconds() / 86_400


def _answer(store: Engine, user: str, when: datetime, reason: str | None) -> None:
    ws = workspace(store)
    with store.begin() as conn:
        if reason is None:
            accept_lead(conn, ws, user, at=when, actor=REP, now=NOW)
        else:
            reject_lead(conn, ws, user, reason=reason, at=when, actor=REP, now=NOW)


def _call(store: Engine, user: str, when: datetime) -> None:
    ws = workspace(store)
    with store.begin() as conn:
        task = add_task(conn, ws, user, NewTask("Call", TaskKind.CALL), now=NOW)
        complete_task(conn, ws, task, outcome="talked", at=when, now=NOW)


def _sale(store: Engine, user: str, amount: Decimal, *, opened: datetime, won: datetime) -> None:
    ws = workspace(store)
    sale: dict[str, Any] = {"actor": REP, "source": DealSource.CLI, "now": NOW}
    with store.begin() as conn:
        deal = create_deal(conn, ws, user, pipeline="treatment", amount=amount, at=opened, **sale)
        win_deal(conn, ws, deal, at=won, **sale)
