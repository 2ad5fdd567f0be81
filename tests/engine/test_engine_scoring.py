"""Scoring: engagement points, caps, negative rules, decay, fit corrections, rescoring."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from funnel_support import (
    HALF_LIFE,
    NOW,
    at,
    contact,
    feed,
    identify,
    install,
    ledger_rows,
    live_contacts,
    page,
    spec_document,
    track,
    workspace,
)
from invariants import decayed, expected_scores, history_violations
from sqlalchemy import Engine, select

from embudo.engine.rescore import rescore
from embudo.io.spec_file import parse_spec, template_text
from embudo.store.tables import contacts, score_ledger


def _entries(store: Engine, reference: str) -> list[tuple[str, str, float]]:
    return [
        (row.kind, row.rule, row.points) for row in ledger_rows(store, contact(store, reference).id)
    ]


def test_each_event_earns_its_rule_points_negative_ones_included(store: Engine) -> None:
    install(store)
    feed(
        store,
        [
            identify("i1", at(0), user="u1", email="ana@example.com"),
            track("e1", "webinar_registered", at(1), user="u1"),
            track("e2", "newsletter_unsubscribed", at(2), user="u1"),
            track("e3", "demo_requested", at(3), user="u1"),  # no rule: no points
        ],
    )

    assert _entries(store, "u1") == [
        ("engagement", "webinar_signup", 10.0),
        ("engagement", "unsubscribed", -20.0),
    ]
    row = contact(store, "u1")
    want = decayed(10, HALF_LIFE, at(1), NOW) + decayed(-20, HALF_LIFE, at(2), NOW)
    assert abs(row.engagement_score - want) < 1e-9
    assert row.engagement_score < 0
    assert (row.fit_score, row.scored_at) == (0.0, NOW)


def test_a_cap_limits_a_rule_across_batches(store: Engine) -> None:
    document = spec_document()
    document["scoring"]["engagement"][0] = {
        "name": "reading",
        "event": "page",
        "points": 4,
        "cap": 10,
    }
    install(store, document)
    pages = [page(f"p{day}", at(day), user="u1") for day in range(5)]

    for item in pages:
        feed(store, [item])

    rows = ledger_rows(store, contact(store, "u1").id)
    assert [(row.points, row.occurred_at) for row in rows] == [
        (4.0, at(0)),
        (4.0, at(1)),
        (2.0, at(2)),
    ]
    want = sum(decayed(row.points, HALF_LIFE, row.occurred_at, NOW) for row in rows)
    assert abs(contact(store, "u1").engagement_score - want) < 1e-9


def test_engagement_decays_with_each_rules_half_life(store: Engine) -> None:
    install(store)
    feed(
        store,
        [
            track("e1", "webinar_registered", at(0), user="u1"),
            track("e2", "webinar_watched", at(5), user="u1"),
        ],
    )
    now = at(25)
    feed(store, [page("p1", at(25), user="u1")], now=now)

    row = contact(store, "u1")
    # 10 points 25 days ago at a 30-day half-life, 15 points 20 days ago at 10 days, 2 now.
    want = 10 * 0.5 ** (25 / 30) + 15 * 0.5 ** (20 / 10) + 2
    assert abs(row.engagement_score - want) < 1e-9
    assert abs(row.score - want) < 1e-9
    assert [(r.rule, r.half_life_days) for r in ledger_rows(store, row.id)] == [
        ("webinar_signup", HALF_LIFE),
        ("webinar", 10.0),
        ("reading", HALF_LIFE),
    ]


def test_fit_is_given_on_identify_and_taken_back_when_the_trait_changes(store: Engine) -> None:
    install(store)
    feed(store, [identify("i1", at(0), user="u1", email="ana@example.com", country="ES")])
    assert contact(store, "u1").fit_score == 10.0

    feed(store, [identify("i2", at(3), user="u1", country="FR")])

    rows = [r for r in ledger_rows(store, contact(store, "u1").id) if r.kind == "fit"]
    assert [(r.rule, r.points, r.occurred_at) for r in rows] == [
        ("target_country", 10.0, at(0)),
        ("target_country", -10.0, at(3)),
    ]
    row = contact(store, "u1")
    assert (row.fit_score, row.traits["country"]) == (0.0, "FR")


def test_rescore_brings_every_cached_score_to_the_ledger_at_a_later_now(store: Engine) -> None:
    install(store)
    messages = []
    for n in range(6):
        user = f"u{n}"
        messages += [
            identify(f"{user}-i", at(n), user=user, email=f"{user}@example.com", country="ES"),
            track(f"{user}-r", "webinar_registered", at(n, hours=3), user=user),
            *(page(f"{user}-p{k}", at(n + k), user=user) for k in range(n)),
        ]
        if n % 2:
            messages.append(track(f"{user}-w", "webinar_watched", at(n + 1), user=user))
    feed(store, messages, now=at(10))
    later = at(10) + timedelta(days=47, hours=5)

    with store.begin() as conn:
        updated = rescore(conn, workspace(store).id, later)

    assert updated == 6
    with store.connect() as conn:
        ledger = list(conn.execute(select(score_ledger)))
        rows = list(conn.execute(select(contacts)))
    for row in rows:
        fit, engagement = expected_scores([e for e in ledger if e.contact_id == row.id], later)
        assert row.scored_at == later
        assert row.fit_score == fit == 10.0
        assert abs(row.engagement_score - engagement) < 1e-9
        assert abs(row.score - (fit + engagement)) < 1e-9
    assert len(live_contacts(store)) == 6


def test_an_entry_thousands_of_half_lives_old_is_worth_nothing_on_every_backend(
    store: Engine,
) -> None:
    """PostgreSQL's power() raised "underflow" here; SQLite gave 0: both must agree."""
    loaded = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml")
    document = copy.deepcopy(loaded.document)
    document["scoring"]["half_life_days"] = 1
    install(store, document)
    long_ago = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    summary = feed(store, [track("old", "webinar_registered", long_ago, user="u1")], now=now)

    assert summary.accepted == 1
    row = contact(store, "u1")
    assert abs(row.engagement_score) < 1e-300
    assert history_violations(store, workspace(store).id) == []
