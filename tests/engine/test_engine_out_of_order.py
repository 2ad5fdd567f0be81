"""Arrival order does not matter: shuffled streams end where the ordered one does."""

from __future__ import annotations

import random

import pytest
from funnel_support import (
    HALF_LIFE,
    NOW,
    Message,
    at,
    contact,
    contact_state,
    feed,
    identify,
    install,
    ledger_rows,
    moves_of,
    page,
    spec_document,
    track,
    workspace,
)
from invariants import decayed, history_violations
from sqlalchemy import Engine


def _journeys() -> list[Message]:
    """A dozen people: anonymous browsing, sign-ups, webinars, a changed country, a trial."""
    messages: list[Message] = []
    for n in range(12):
        user, anon = f"u{n}", f"a{n}"
        start = n * 0.5
        messages += [page(f"{user}-p{k}", at(start + k * 0.3), anon=anon) for k in range(n % 5)]
        messages.append(
            identify(
                f"{user}-i",
                at(start + 2),
                anon=anon,
                user=user,
                email=f"{user}@example.com",
                country="ES" if n % 3 else "FR",
            )
        )
        if n % 2 == 0:
            messages += [
                track(f"{user}-r", "webinar_registered", at(start + 3), user=user),
                track(f"{user}-w", "webinar_watched", at(start + 4 + n % 3), user=user),
            ]
        if n % 3 == 0:
            messages.append(identify(f"{user}-c", at(start + 6), user=user, country="IT"))
        if n % 4 == 0:
            messages += [
                track(f"{user}-t", "trial_started", at(start + 7), user=user),
                track(f"{user}-l", "price_list_downloaded", at(start + 9), user=user),
                track(f"{user}-q", "demo_requested", at(start + 10), user=user),
            ]
        if n == 5:
            messages.append(track(f"{user}-x", "newsletter_unsubscribed", at(start + 8), user=user))
    return messages


EMAIL = {"trait": "email", "exists": True}
MQL = {"all": [EMAIL, {"event": "webinar_registered"}, {"event": "webinar_watched"}]}
NESTED = spec_document(
    qualification={
        "lead": EMAIL,
        "mql": MQL,
        "sql": {
            "all": [
                MQL,
                {"event": "price_list_downloaded"},
                {"event": "trial_started", "within_days": 30},
            ]
        },
    }
)
"""The seeds' funnel with each stage's condition including the one below it.

Only then is the set of moves independent of arrival order: with the seeds'
own conditions a webinar watched before the email arrives makes a visitor an
MQL directly, and a late identify cannot insert the lead stage back into an
append-only history.
"""


def _same(left: dict[str, dict[str, object]], right: dict[str, dict[str, object]]) -> None:
    assert left.keys() == right.keys()
    for key, want in left.items():
        got = right[key]
        for field in ("stage", "moves", "traits", "events"):
            assert (key, field, got[field]) == (key, field, want[field])
        for field in ("score", "fit_score", "engagement_score"):
            assert abs(float(got[field]) - float(want[field])) < 1e-9, (key, field)  # type: ignore[arg-type]


@pytest.mark.parametrize(("seed", "batch_size"), [(1, 1), (2, 3), (3, 7), (4, 1000)])
def test_shuffled_streams_end_in_the_same_state(store: Engine, seed: int, batch_size: int) -> None:
    messages = sorted(_journeys(), key=lambda m: str(m["timestamp"]))
    shuffled = list(messages)
    random.Random(seed).shuffle(shuffled)
    install(store, NESTED, name="ordered")
    install(store, NESTED, name="shuffled")

    feed(store, messages, name="ordered")
    feed(store, shuffled, name="shuffled", batch_size=batch_size)

    ordered = contact_state(store, "ordered")
    assert len(ordered) == 12
    assert {key: state["stage"] for key, state in ordered.items()} == {
        "u0": "sql",
        "u1": "lead",
        "u2": "mql",
        "u3": "lead",
        "u4": "sql",
        "u5": "lead",
        "u6": "mql",
        "u7": "lead",
        "u8": "sql",
        "u9": "lead",
        "u10": "mql",
        "u11": "lead",
    }
    _same(ordered, contact_state(store, "shuffled"))
    assert history_violations(store, workspace(store, "shuffled").id) == []


def test_a_late_event_takes_over_capped_points_from_later_ones(store: Engine) -> None:
    install(store)  # reading: 2 points a page, capped at 6
    feed(store, [page(f"p{day}", at(day), user="u1") for day in (5, 6, 7)])
    feed(store, [page("late", at(1), user="u1")])

    row = contact(store, "u1")
    rows = ledger_rows(store, row.id)
    assert sum(r.points for r in rows) == 6.0
    want = sum(decayed(2.0, HALF_LIFE, at(day), NOW) for day in (1, 5, 6))
    assert abs(row.engagement_score - want) < 1e-9


def test_a_late_event_takes_over_a_negative_rules_capped_points(store: Engine) -> None:
    document = spec_document()
    careers = {"property": "path", "starts_with": "/careers"}
    document["scoring"]["engagement"] = [
        {"name": "job_seeker", "event": "page", "where": [careers], "points": -5, "cap": 10}
    ]
    install(store, document)
    feed(store, [page(f"p{day}", at(day), user="u1", path="/careers") for day in (5, 6, 7)])
    feed(store, [page("late", at(1), user="u1", path="/careers/sdr")])

    row = contact(store, "u1")
    assert sum(r.points for r in ledger_rows(store, row.id)) == -10.0
    want = sum(decayed(-5.0, HALF_LIFE, at(day), NOW) for day in (1, 5))
    assert abs(row.engagement_score - want) < 1e-9


def test_a_merge_keeps_capped_rules_within_their_cap(store: Engine) -> None:
    install(store)
    feed(store, [page(f"a{day}", at(day), anon="a1") for day in (1, 2, 3)])
    feed(store, [page("u", at(4), user="u1")])
    feed(store, [identify("i", at(5), user="u1", anon="a1")])

    rows = ledger_rows(store, contact(store, "u1").id)
    assert sum(r.points for r in rows if r.rule == "reading") == 6.0


def test_a_late_message_moves_the_contact_at_its_own_time(store: Engine) -> None:
    install(store)
    feed(
        store,
        [
            identify("i", at(0), user="u1", email="ana@example.com"),
            track("r", "webinar_registered", at(1), user="u1"),
            page("p", at(5), user="u1"),
        ],
    )
    feed(store, [track("w", "webinar_watched", at(3), user="u1")])

    row = contact(store, "u1")
    assert moves_of(store, row.id)[-1] == ("lead", "mql", at(3))
    assert (row.stage, row.stage_at) == ("mql", at(3))


def test_a_late_message_never_moves_the_contact_before_its_previous_move(
    store: Engine,
) -> None:
    install(store)
    feed(
        store,
        [
            identify("i", at(0), user="u1", email="ana@example.com"),
            track("r", "webinar_registered", at(1), user="u1"),
            track("w", "webinar_watched", at(5), user="u1"),
        ],
    )
    # The SQL condition held from day 3, but the contact became an MQL only on day 5.
    feed(store, [track("t", "trial_started", at(0.5), user="u1")])
    feed(store, [track("p", "price_list_downloaded", at(3), user="u1")])

    assert moves_of(store, contact(store, "u1").id) == [
        (None, "visitor", at(0)),
        ("visitor", "lead", at(0)),
        ("lead", "mql", at(5)),
        ("mql", "sql", at(5)),
    ]


def test_a_late_identify_does_not_overwrite_newer_traits_or_fit(store: Engine) -> None:
    install(store)
    feed(store, [identify("new", at(5), user="u1", email="ana@example.com", country="FR")])
    feed(store, [identify("old", at(1), user="u1", country="ES")])

    row = contact(store, "u1")
    assert row.traits == {"email": "ana@example.com", "country": "FR"}
    assert row.fit_score == 0.0
