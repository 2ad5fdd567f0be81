"""Every kind of condition driving qualification, each dated when it first held."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from funnel_support import (
    Message,
    at,
    contact,
    feed,
    group,
    identify,
    install,
    moves_of,
    page,
    spec_document,
    track,
)
from sqlalchemy import Engine

Outcome = tuple[str, datetime | None]


def _qualify(
    store: Engine, mql: dict[str, Any], messages: list[Message], batch_size: int = 1000
) -> dict[str, Outcome]:
    """Run `messages` under a funnel whose MQL condition is `mql`; each user's stage and MQL time.

    Every user named in `messages` is identified with an email at T0 first (so is a lead).
    """
    document = spec_document()
    document["qualification"] = {"lead": {"trait": "email", "exists": True}, "mql": mql}
    install(store, document)
    users = sorted({m["userId"] for m in messages})
    leads = [identify(f"{u}-i", at(0), user=u, email=f"{u}@example.com") for u in users]
    feed(store, [*leads, *messages], batch_size=batch_size)
    found: dict[str, Outcome] = {}
    for user in users:
        row = contact(store, user)
        into_mql = [when for _, to, when in moves_of(store, row.id) if to == "mql"]
        found[user] = (row.stage, into_mql[0] if into_mql else None)
    return found


def test_all_any_and_not(store: Engine) -> None:
    mql = {
        "all": [
            {"event": "webinar_registered"},
            {"any": [{"event": "webinar_watched"}, {"event": "demo_requested"}]},
            {"not": {"trait": "country", "eq": "XX"}},
        ]
    }
    found = _qualify(
        store,
        mql,
        [
            track("a1", "webinar_registered", at(1), user="any1"),
            track("a2", "webinar_watched", at(2), user="any1"),
            track("b1", "webinar_registered", at(1), user="any2"),
            track("b2", "demo_requested", at(3), user="any2"),
            identify("c0", at(0, hours=1), user="not", country="XX"),
            track("c1", "webinar_registered", at(1), user="not"),
            track("c2", "webinar_watched", at(2), user="not"),
            track("d1", "webinar_registered", at(1), user="half"),
        ],
    )
    assert found == {
        "any1": ("mql", at(2)),
        "any2": ("mql", at(3)),
        "not": ("lead", None),
        "half": ("lead", None),
    }


def test_an_event_seen_a_number_of_times(store: Engine) -> None:
    found = _qualify(
        store,
        {"event": "page", "times": 3},
        [
            *(page(f"t{n}", at(n + 1), user="three") for n in range(4)),
            *(page(f"w{n}", at(n + 1), user="two") for n in range(2)),
        ],
    )
    assert found == {"three": ("mql", at(3)), "two": ("lead", None)}


def test_within_days_counts_only_the_window_before_the_moment(store: Engine) -> None:
    week = timedelta(days=7)
    found = _qualify(
        store,
        {"event": "webinar_registered", "times": 2, "within_days": 7},
        [
            track("i1", "webinar_registered", at(1), user="inside"),
            track("i2", "webinar_registered", at(1) + week, user="inside"),
            track("o1", "webinar_registered", at(1), user="outside"),
            track("o2", "webinar_registered", at(1) + week + timedelta(seconds=1), user="outside"),
        ],
    )
    assert found == {"inside": ("mql", at(8)), "outside": ("lead", None)}


def test_where_on_event_properties(store: Engine) -> None:
    found = _qualify(
        store,
        {"event": "page", "where": [{"property": "path", "starts_with": "/pricing"}]},
        [
            page("p1", at(1), user="buyer", path="/blog"),
            page("p2", at(2), user="buyer", path="/Pricing/teams"),
            page("r1", at(1), user="reader", path="/blog/pricing"),
        ],
    )
    assert found == {"buyer": ("mql", at(2)), "reader": ("lead", None)}


def test_where_sees_the_properties_of_events_from_earlier_batches(store: Engine) -> None:
    pricing = {"property": "path", "starts_with": "/pricing"}
    found = _qualify(
        store,
        {"event": "page", "times": 2, "where": [pricing]},
        [
            page("p1", at(1), user="buyer", path="/pricing"),
            page("p2", at(2), user="buyer", path="/blog"),
            page("p3", at(3), user="buyer", path="/pricing/teams"),
            page("r1", at(1), user="reader", path="/pricing"),
            page("r2", at(2), user="reader", path="/blog"),
        ],
        batch_size=1,
    )
    assert found == {"buyer": ("mql", at(3)), "reader": ("lead", None)}


def test_trait_comparison_dated_at_the_identify_that_made_it_true(store: Engine) -> None:
    found = _qualify(
        store,
        {"trait": "employees", "gte": 50},
        [
            identify("b", at(1), user="big", employees=120),
            identify("s", at(1), user="small", employees=10),
            identify("g1", at(1), user="grown", employees="10"),
            identify("g2", at(4), user="grown", employees="60"),
        ],
    )
    assert found == {"big": ("mql", at(1)), "small": ("lead", None), "grown": ("mql", at(4))}


def test_company_trait_from_a_group_message(store: Engine) -> None:
    found = _qualify(
        store,
        {"company": "employees", "gte": 50},
        [
            group("g1", at(2), user="acme_rep", group_id="acme", name="Acme", employees=200),
            group("g2", at(2), user="tiny_rep", group_id="tiny", name="Tiny", employees=5),
        ],
    )
    assert found == {"acme_rep": ("mql", at(2)), "tiny_rep": ("lead", None)}
    assert contact(store, "acme_rep").company_id is not None


def test_score_threshold_counts_decayed_points_at_each_moment(store: Engine) -> None:
    # webinar_signup gives 10 (half-life 30 days), webinar 15 (half-life 10 days).
    found = _qualify(
        store,
        {"score": "engagement", "gte": 25},
        [
            track("a1", "webinar_registered", at(1), user="same_day"),
            track("a2", "webinar_watched", at(1), user="same_day"),
            track("b1", "webinar_registered", at(1), user="next_day"),  # 9.77 + 15 < 25
            track("b2", "webinar_watched", at(2), user="next_day"),
            track("c1", "webinar_registered", at(1), user="later"),
            track("c2", "webinar_watched", at(2), user="later"),
            track("c3", "webinar_registered", at(3), user="later"),
        ],
    )
    assert found == {
        "same_day": ("mql", at(1)),
        "next_day": ("lead", None),
        "later": ("mql", at(3)),
    }


def test_the_seeds_sql_needs_a_trial_within_30_days_of_the_price_list(store: Engine) -> None:
    install(store)
    feed(
        store,
        [
            identify("i", at(0), user="u1", email="u1@example.com"),
            track("r", "webinar_registered", at(1), user="u1"),
            track("w", "webinar_watched", at(2), user="u1"),
            track("t", "trial_started", at(3), user="u1"),
            track("p", "price_list_downloaded", at(40), user="u1"),
            identify("i2", at(0), user="u2", email="u2@example.com"),
            track("t2", "trial_started", at(10), user="u2"),
            track("p2", "price_list_downloaded", at(40), user="u2"),
        ],
    )
    assert [(a, b) for a, b, _ in moves_of(store, contact(store, "u1").id)] == [
        (None, "visitor"),
        ("visitor", "lead"),
        ("lead", "mql"),
    ]
    # A trial exactly 30 days before the price list still counts; mql is skipped.
    assert moves_of(store, contact(store, "u2").id) == [
        (None, "visitor", at(0)),
        ("visitor", "lead", at(0)),
        ("lead", "sql", at(40)),
    ]
