"""Messages that cannot be read are kept, with why, and the rest of the batch is applied."""

from __future__ import annotations

import json

from funnel_support import NOW, at, identify, install, live_contacts, page, read_lines, track
from sqlalchemy import Engine, select

from embudo.engine.ingest import ingest
from embudo.store.tables import dead_letters

GOOD = page("ok1", at(0), anon="a1")
BAD: list[tuple[str, str]] = [
    ('{"type": "page", "messageId": ', "not valid JSON"),
    (json.dumps({"type": "page", "anonymousId": "a9"}), "messageId"),
    (json.dumps({"type": "purchase", "messageId": "t1", "anonymousId": "a9"}), "type"),
    (json.dumps({**page("ts", at(0), anon="a9"), "timestamp": "last tuesday"}), "timestamp"),
    (json.dumps({"type": "page", "messageId": "who"}), "userId or anonymousId"),
    (json.dumps({"type": "track", "messageId": "noevent", "userId": "u9"}), "`event`"),
    (
        json.dumps({**page("big", at(0), anon="a9"), "properties": {"blob": "x" * 33_000}}),
        "byte limit",
    ),
]


def test_each_bad_message_is_dead_lettered_with_its_reason(store: Engine) -> None:
    install(store)
    good = [
        json.dumps(GOOD),
        json.dumps(identify("ok2", at(1), anon="a1", email="ana@example.com")),
        json.dumps({"batch": [track("ok3", "webinar_registered", at(2), anon="a1")]}),
    ]
    lines = [good[0], *(line for line, _ in BAD), *good[1:]]

    summary = ingest(store, "default", read_lines(lines, "upload.jsonl"), now=NOW)

    assert (summary.accepted, summary.duplicates, summary.rejected) == (3, 0, len(BAD))
    with store.connect() as conn:
        rows = list(conn.execute(select(dead_letters).order_by(dead_letters.c.id)))
    assert [row.source for row in rows] == [f"upload.jsonl:{n}" for n in range(2, 9)]
    for row, (line, mention) in zip(rows, BAD, strict=True):
        assert mention in row.reason, (row.reason, mention)
        assert row.received_at == NOW
        if mention == "not valid JSON":
            assert row.payload == line
        else:
            assert json.loads(row.payload) == json.loads(line)
    assert [row.message_id for row in rows] == [None, None, "t1", "ts", "who", "noevent", "big"]
    (only,) = live_contacts(store)
    assert (only.stage, only.email) == ("lead", "ana@example.com")


def test_a_message_in_a_segment_batch_names_its_place(store: Engine) -> None:
    install(store)
    line = json.dumps({"batch": [GOOD, {"type": "track", "messageId": "e", "userId": "u"}]})

    summary = ingest(store, "default", read_lines([line], "http"), now=NOW)

    assert (summary.accepted, summary.rejected) == (1, 1)
    with store.connect() as conn:
        row = conn.execute(select(dead_letters)).one()
    assert (row.source, row.message_id) == ("http:1[1]", "e")
    assert "event" in row.reason
