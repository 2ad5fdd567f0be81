"""Non-linear moves: recycle, disqualify (by a person or a rule), reopen, and refusals."""

from __future__ import annotations

import pytest
from funnel_support import (
    NOW,
    at,
    contact,
    dump,
    feed,
    identify,
    install,
    moves_of,
    spec_document,
    track,
    transition_rows,
    workspace,
)
from sqlalchemy import Engine

from embudo.domain.errors import MoveNotAllowed
from embudo.domain.spec import MoveKind
from embudo.engine.moves import move_contact

MQL_BY_DAY_2 = [
    identify("i", at(0), user="u1", email="ana@example.com"),
    track("r", "webinar_registered", at(1), user="u1"),
    track("w", "webinar_watched", at(2), user="u1"),
]


def _move(store: Engine, kind: MoveKind, day: float, reason: str | None = None) -> tuple[str, str]:
    ws = workspace(store)
    with store.begin() as conn:
        return move_contact(
            conn, ws, "u1", kind, at=at(day), actor="rep@example.com", reason=reason, now=NOW
        )


def test_recycle_then_only_later_events_requalify(store: Engine) -> None:
    install(store)
    feed(store, MQL_BY_DAY_2)

    assert _move(store, MoveKind.RECYCLE, 5, "not_ready") == ("mql", "nurture")
    # Old-dated events (before the recycle) do not bring the contact back ...
    feed(store, [track("old", "webinar_watched", at(3), user="u1")])
    assert contact(store, "u1").stage == "nurture"
    # ... nor does half of the condition after it; the whole condition after it does.
    feed(store, [track("r2", "webinar_registered", at(6), user="u1")])
    assert contact(store, "u1").stage == "nurture"
    feed(store, [track("w2", "webinar_watched", at(7), user="u1")])

    row = contact(store, "u1")
    assert (row.stage, row.stage_at) == ("mql", at(7))
    rows = transition_rows(store, row.id)
    assert [(r.from_stage, r.to_stage, r.move, r.occurred_at) for r in rows[2:]] == [
        ("lead", "mql", "qualify", at(2)),
        ("mql", "nurture", "recycle", at(5)),
        ("nurture", "mql", "qualify", at(7)),
    ]
    recycle = rows[3]
    assert (recycle.cause, recycle.actor, recycle.reason) == (
        "user",
        "rep@example.com",
        "not_ready",
    )


def test_disqualify_by_a_person_records_who_and_why(store: Engine) -> None:
    install(store)
    feed(store, MQL_BY_DAY_2)

    assert _move(store, MoveKind.DISQUALIFY, 4, "no_budget") == ("mql", "disqualified")
    feed(store, [track("later", "price_list_downloaded", at(5), user="u1")])

    row = contact(store, "u1")
    assert (row.stage, row.stage_at) == ("disqualified", at(4))
    last = transition_rows(store, row.id)[-1]
    assert (last.move, last.cause, last.actor, last.reason, last.rule) == (
        "disqualify",
        "user",
        "rep@example.com",
        "no_budget",
        None,
    )


def test_a_disqualify_rule_records_its_name_and_reason(store: Engine) -> None:
    install(store)
    feed(
        store,
        [
            track("r", "webinar_registered", at(1), user="u9"),
            identify("i", at(2), user="u9", email="Spy@Competitor.example"),
            track("w", "webinar_watched", at(3), user="u9"),
        ],
    )

    row = contact(store, "u9")
    assert (row.stage, row.stage_at) == ("disqualified", at(2))
    last = transition_rows(store, row.id)[-1]
    assert (last.from_stage, last.move, last.cause, last.rule, last.reason, last.actor) == (
        "visitor",
        "disqualify",
        "rule",
        "disqualify.competitor",
        "competitor",
        None,
    )


def test_reopen_brings_a_disqualified_contact_back_to_lead(store: Engine) -> None:
    install(store)
    feed(store, MQL_BY_DAY_2)
    _move(store, MoveKind.DISQUALIFY, 4, "spam")

    assert _move(store, MoveKind.REOPEN, 6, "was_real") == ("disqualified", "lead")
    feed(
        store,
        [
            track("r2", "webinar_registered", at(7), user="u1"),
            track("w2", "webinar_watched", at(8), user="u1"),
        ],
    )

    row = contact(store, "u1")
    assert [(a, b) for a, b, _ in moves_of(store, row.id)][-3:] == [
        ("mql", "disqualified"),
        ("disqualified", "lead"),
        ("lead", "mql"),
    ]
    assert (row.stage, row.stage_at) == ("mql", at(8))


def test_a_move_is_never_dated_before_the_contacts_last_move(store: Engine) -> None:
    install(store)
    feed(store, MQL_BY_DAY_2)

    _move(store, MoveKind.RECYCLE, 1)

    assert moves_of(store, contact(store, "u1").id)[-1] == ("mql", "nurture", at(2))


def test_recycling_a_lead_is_refused_and_changes_nothing(store: Engine) -> None:
    install(store)
    feed(store, MQL_BY_DAY_2[:1])
    before = dump(store)

    with pytest.raises(MoveNotAllowed, match=r"cannot recycle a contact in stage 'lead'"):
        _move(store, MoveKind.RECYCLE, 3)

    assert dump(store) == before


def test_a_move_the_spec_does_not_declare_is_refused(store: Engine) -> None:
    document = spec_document()
    del document["lifecycle"]["moves"]["reopen"]
    install(store, document)
    feed(store, MQL_BY_DAY_2)
    _move(store, MoveKind.DISQUALIFY, 3)
    before = dump(store)

    with pytest.raises(MoveNotAllowed, match=r"no 'reopen' move"):
        _move(store, MoveKind.REOPEN, 4)

    assert dump(store) == before
    assert contact(store, "u1").stage == "disqualified"
