"""A replay is a no-op: the same file twice, or a message twice in one batch, counts once."""

from __future__ import annotations

from datetime import timedelta

from funnel_support import (
    NOW,
    as_lines,
    at,
    dump,
    identify,
    install,
    live_contacts,
    page,
    read_lines,
    track,
)
from sqlalchemy import Engine, func, select

from embudo.engine.ingest import ingest
from embudo.store.tables import events

FILE = as_lines(
    [
        page("m1", at(0), anon="a1"),
        page("m2", at(0, hours=1), anon="a1", path="/pricing"),
        identify("m3", at(1), anon="a1", user="u1", email="Ana@Example.com", country="ES"),
        track("m4", "webinar_registered", at(2), user="u1"),
        track("m5", "webinar_watched", at(3), user="u1"),
        page("m6", at(4), anon="b1"),
        identify("m7", at(5), user="u2", email="bo@example.com"),
        track("m8", "newsletter_unsubscribed", at(6), user="u2"),
    ]
)


def test_the_same_file_twice_changes_nothing_the_second_time(store: Engine) -> None:
    install(store)
    first = ingest(store, "default", read_lines(FILE), now=NOW, batch_size=3)
    before = dump(store)
    second = ingest(store, "default", read_lines(FILE), now=NOW + timedelta(days=1), batch_size=5)

    assert (first.accepted, first.duplicates, first.rejected) == (8, 0, 0)
    assert (second.accepted, second.duplicates, second.rejected) == (0, 8, 0)
    assert dump(store) == before
    assert len(before["lifecycle_transitions"]) == 6  # enter, lead, mql | enter | enter, lead
    assert len(live_contacts(store)) == 3


def test_duplicates_inside_one_batch_count_once(store: Engine) -> None:
    install(store)
    lines = FILE[:4] + FILE[3:4] + FILE[:1]

    summary = ingest(store, "default", read_lines(lines), now=NOW)

    assert (summary.accepted, summary.duplicates, summary.rejected) == (4, 2, 0)
    with store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(events)) == 4
    (only,) = live_contacts(store)
    assert only.engagement_score > 0
    assert (only.stage, only.email) == ("lead", "ana@example.com")
