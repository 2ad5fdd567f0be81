"""Identity stitching: anonymous visits, identify, second devices, alias, email case."""

from __future__ import annotations

from funnel_support import (
    HALF_LIFE,
    NOW,
    alias,
    at,
    contact,
    contact_id,
    feed,
    identify,
    install,
    ledger_rows,
    live_contacts,
    moves_of,
    page,
    track,
)
from invariants import decayed
from sqlalchemy import Engine, select

from embudo.store.tables import contacts, events, identities, score_ledger


def _event_owners(store: Engine) -> dict[str, int]:
    with store.connect() as conn:
        rows = conn.execute(select(events.c.message_id, events.c.contact_id))
        return {row.message_id: row.contact_id for row in rows}


def _identities(store: Engine, cid: int) -> set[tuple[str, str]]:
    with store.connect() as conn:
        rows = conn.execute(
            select(identities.c.kind, identities.c.value).where(identities.c.contact_id == cid)
        )
        return {(kind, value) for kind, value in rows}


ANONYMOUS_VISITS = [
    page("p1", at(0), anon="a1"),
    page("p2", at(0, hours=2), anon="a1", path="/pricing"),
    track("p3", "webinar_registered", at(1), anon="a1"),
]
SIGN_UP = identify("i1", at(2), anon="a1", user="u1", email="ana@example.com")


def _assert_one_contact_from_first_visit(store: Engine) -> None:
    (only,) = live_contacts(store)
    assert set(_event_owners(store).values()) == {only.id}
    assert moves_of(store, only.id) == [
        (None, "visitor", at(0)),
        ("visitor", "lead", at(2)),
    ]
    assert (only.stage, only.first_seen_at, only.email) == ("lead", at(0), "ana@example.com")
    assert _identities(store, only.id) == {
        ("anonymous", "a1"),
        ("user", "u1"),
        ("email", "ana@example.com"),
    }


def test_anonymous_views_then_identify_in_one_batch(store: Engine) -> None:
    install(store)
    feed(store, [*ANONYMOUS_VISITS, SIGN_UP])
    _assert_one_contact_from_first_visit(store)


def test_identify_in_a_later_batch_than_the_anonymous_views(store: Engine) -> None:
    install(store)
    feed(store, ANONYMOUS_VISITS, batch_size=1)
    feed(store, [SIGN_UP])
    _assert_one_contact_from_first_visit(store)


def test_a_second_device_identified_as_the_same_user_merges_into_the_first(
    store: Engine,
) -> None:
    install(store)
    feed(store, [*ANONYMOUS_VISITS, SIGN_UP])
    first = contact_id(store, "u1")
    feed(
        store,
        [page("d1", at(3), anon="phone"), track("d2", "webinar_watched", at(4), anon="phone")],
    )
    second = contact_id(store, "phone")
    assert second != first
    assert len(live_contacts(store)) == 2

    feed(store, [identify("d3", at(5), anon="phone", user="u1")])

    (survivor,) = live_contacts(store)
    assert survivor.id == first
    assert set(_event_owners(store).values()) == {first}
    with store.connect() as conn:
        merged = conn.execute(select(contacts).where(contacts.c.id == second)).one()
        ledger_owners = set(conn.scalars(select(score_ledger.c.contact_id)))
    assert merged.merged_into_id == first
    assert ledger_owners == {first}
    assert contact_id(store, "phone") == first
    assert ("anonymous", "phone") in _identities(store, first)
    # Registered on one device, watched on the other: together they make an MQL.
    assert moves_of(store, first)[-1] == ("lead", "mql", at(4))
    assert survivor.stage == "mql"


def test_alias_merges_the_previous_id_into_the_user(store: Engine) -> None:
    install(store)
    feed(store, [identify("i1", at(0), user="u1", email="ana@example.com")])
    feed(
        store,
        [page("p1", at(1), anon="tablet"), track("p2", "webinar_registered", at(1), anon="tablet")],
    )
    tablet = contact_id(store, "tablet")

    feed(store, [alias("al", at(2), user="u1", previous="tablet")])

    (survivor,) = live_contacts(store)
    assert survivor.id == contact_id(store, "u1") != tablet
    assert contact_id(store, "tablet") == survivor.id
    assert set(_event_owners(store).values()) == {survivor.id}
    # The tablet's page and registration now score for the user.
    assert sorted((row.rule, row.points) for row in ledger_rows(store, survivor.id)) == [
        ("reading", 2.0),
        ("webinar_signup", 10.0),
    ]
    assert abs(survivor.engagement_score - decayed(12.0, HALF_LIFE, at(1), NOW)) < 1e-9


def test_emails_are_one_identity_whatever_their_case(store: Engine) -> None:
    install(store)
    feed(store, [identify("i1", at(0), anon="a1", email="Ana@Example.COM")])
    feed(store, [identify("i2", at(1), anon="a2", email="  ana@example.com ")])

    (only,) = live_contacts(store)
    assert only.email == "ana@example.com"
    assert contact(store, "ANA@example.com").id == only.id
    assert _identities(store, only.id) == {
        ("anonymous", "a1"),
        ("anonymous", "a2"),
        ("email", "ana@example.com"),
    }
