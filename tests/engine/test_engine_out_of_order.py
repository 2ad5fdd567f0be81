"""Arrival order does not matter: shuffled streams end where the ordered one does."""

from __future__ import annotations

import random

import pytest
from funnel_support import (
    Message,
    at,
    contact,
    contact_state,
    feed,
    identify,
    install,
    moves_of,
    page,
    track,
    workspace,
)
from invariants import history_violations
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
                page(f"{user}-q", at(start + 10), user=user, path="/pricing"),
            ]
        if n == 5:
            messages.append(track(f"{user}-x", "newsletter_unsubscribed", at(start + 8), user=user))
    return messages


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
    install(store, name="ordered")
    install(store, name="shuffled")

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
