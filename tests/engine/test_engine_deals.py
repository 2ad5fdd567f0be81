"""Deals through the engine: every move is history, the lifecycle keeps step, refusals no-ops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from deal_support import (
    REP,
    deal_document,
    deal_row,
    deal_violations,
    full_dump,
    history_of,
    moves,
    new_deal,
    ready,
)
from funnel_support import (
    NOW,
    T0,
    alias,
    at,
    contact,
    feed,
    identify,
    track,
    transition_rows,
    workspace,
)
from invariants import deal_visit_violations, history_violations
from sqlalchemy import Engine, func, select, update

from embudo.analytics.deals import DealFilter, StageTotal, deals_by_stage, list_deals
from embudo.domain.deals import DealSource
from embudo.domain.errors import EmbudoError, InvalidInput, MoveNotAllowed, NotFound, SpecError
from embudo.domain.spec import MoveKind
from embudo.engine.deal_lifecycle import ContactMoved
from embudo.engine.deals import DealMoved, lose_deal, move_deal, win_deal
from embudo.engine.moves import move_contact
from embudo.engine.workspaces import apply_spec
from embudo.store import schema
from embudo.store.tables import deal_visits, users

CLI = DealSource.CLI


def _move(
    store: Engine, deal_id: int, stage: str, day: float, reason: str | None = None
) -> DealMoved:
    ws = workspace(store)
    with store.begin() as conn:
        return move_deal(
            conn, ws, deal_id, stage, actor=REP, source=CLI, reason=reason, now=NOW, at=at(day)
        )


def _win(store: Engine, deal_id: int, day: float, stage: str | None = None) -> DealMoved:
    ws = workspace(store)
    with store.begin() as conn:
        return win_deal(conn, ws, deal_id, stage=stage, actor=REP, source=CLI, now=NOW, at=at(day))


def _lose(
    store: Engine, deal_id: int, day: float, reason: str = "price", *, recycle: bool = False
) -> DealMoved:
    ws = workspace(store)
    with store.begin() as conn:
        return lose_deal(
            conn, ws, deal_id, reason, recycle=recycle, actor=REP, source=CLI, now=NOW, at=at(day)
        )


def _consistent(store: Engine) -> None:
    assert history_violations(store, workspace(store).id) == []
    assert deal_violations(store) == []


def test_a_new_deal_inherits_the_first_touch_and_makes_its_contact_an_opportunity(
    store: Engine,
) -> None:
    ready(store, "ana")
    feed(
        store,
        [
            {
                **track("t1", "webinar_registered", at(2), user="ana"),
                "context": {"campaign": {"name": "q4", "source": "google", "medium": "cpc"}},
            }
        ],
    )

    deal_id = new_deal(
        store, owner_email="REP@example.com", expected_close_on=date(2024, 12, 31), title="Implants"
    )

    row = deal_row(store, deal_id)
    person = contact(store, "ana")
    assert (row.pipeline, row.stage, row.status, row.amount, row.currency) == (
        "treatment",
        "first_consultation",
        "open",
        Decimal("1200.50"),
        "EUR",
    )
    assert (row.contact_id, row.channel_id, row.campaign_id) == (
        person.id,
        person.channel_id,
        person.campaign_id,
    )
    assert row.campaign_id is not None
    assert (row.owner_id, row.expected_close_on, row.title, row.created_by) == (
        1,
        date(2024, 12, 31),
        "Implants",
        REP,
    )
    assert [(h.from_stage, h.to_stage, h.actor, h.source) for h in history_of(store, deal_id)] == [
        (None, "first_consultation", REP, "cli")
    ]
    last = transition_rows(store, person.id)[-1]
    assert (last.from_stage, last.to_stage, last.move, last.cause, last.actor, last.reason) == (
        "lead",
        "opportunity",
        "deal",
        "user",
        REP,
        f"deal {deal_id}",
    )
    assert (person.stage, person.stage_at) == ("opportunity", at(10))
    _consistent(store)


def test_a_deal_moves_forward_and_back_and_every_move_is_history(store: Engine) -> None:
    ready(store, "ana")
    deal_id = new_deal(store)

    _move(store, deal_id, "diagnosis", 11)
    _move(store, deal_id, "quote", 12)
    back = _move(store, deal_id, "diagnosis", 13, reason="needs a second x-ray")

    assert back == DealMoved(deal_id, "quote", "diagnosis", back.status)
    assert moves(store, deal_id) == [
        (None, "first_consultation", at(10)),
        ("first_consultation", "diagnosis", at(11)),
        ("diagnosis", "quote", at(12)),
        ("quote", "diagnosis", at(13)),
    ]
    assert history_of(store, deal_id)[-1].reason == "needs a second x-ray"
    assert (deal_row(store, deal_id).stage, deal_row(store, deal_id).stage_at) == (
        "diagnosis",
        at(13),
    )
    _consistent(store)


def test_the_first_won_deal_makes_a_customer_and_a_later_one_is_a_repeat_purchase(
    store: Engine,
) -> None:
    ready(store, "ana")
    first = new_deal(store)
    won = _win(store, first, 20)
    second = new_deal(store, day=40, amount="300")
    again = _win(store, second, 45)

    person = contact(store, "ana")
    assert won.contact == ContactMoved(person.id, "opportunity", "customer")
    assert again.contact is None
    assert [(t.to_stage, t.move, t.reason) for t in transition_rows(store, person.id)][-2:] == [
        ("opportunity", "deal", f"deal {first}"),
        ("customer", "won", f"deal {first} won"),
    ]
    row = deal_row(store, first)
    assert (row.stage, row.status, row.closed_at) == ("treatment_started", "won", at(20))
    with store.connect() as conn:
        listed = list_deals(conn, workspace(store).id, DealFilter(status="won"))
    assert [(r["id"], r["purchase"], r["amount"]) for r in listed] == [
        (first, "first", Decimal("1200.50")),
        (second, "repeat", Decimal("300.00")),
    ]
    _consistent(store)


def test_a_lost_deal_keeps_its_reason_and_can_recycle_its_contact(store: Engine) -> None:
    ready(store, "ana", "bob")
    kept = new_deal(store, "ana")
    recycled = new_deal(store, "bob")

    assert _lose(store, kept, 15, "timing").contact is None
    moved = _lose(store, recycled, 16, "price", recycle=True)

    assert (contact(store, "ana").stage, contact(store, "bob").stage) == ("opportunity", "nurture")
    assert moved.contact == ContactMoved(contact(store, "bob").id, "opportunity", "nurture")
    last = transition_rows(store, contact(store, "bob").id)[-1]
    assert (last.move, last.cause, last.actor, last.reason, last.occurred_at) == (
        "recycle",
        "user",
        REP,
        f"deal {recycled} lost: price",
        at(16),
    )
    row = deal_row(store, kept)
    assert (row.stage, row.status, row.loss_reason, row.closed_at) == (
        "treatment_not_started",
        "lost",
        "timing",
        at(15),
    )
    assert history_of(store, kept)[-1].reason == "timing"
    _consistent(store)


def test_reopening_a_lost_deal_is_recorded_and_lifts_a_recycled_contact_back(
    store: Engine,
) -> None:
    ready(store, "ana")
    deal_id = new_deal(store)
    _lose(store, deal_id, 15, recycle=True)

    reopened = _move(store, deal_id, "quote", 30, reason="came back")

    person = contact(store, "ana")
    assert reopened.contact == ContactMoved(person.id, "nurture", "opportunity")
    row = deal_row(store, deal_id)
    assert (row.stage, row.status, row.closed_at, row.loss_reason) == ("quote", "open", None, None)
    assert moves(store, deal_id)[-2:] == [
        ("first_consultation", "treatment_not_started", at(15)),
        ("treatment_not_started", "quote", at(30)),
    ]
    assert transition_rows(store, person.id)[-1].reason == f"deal {deal_id} reopened"
    _win(store, deal_id, 31)
    assert contact(store, "ana").stage == "customer"
    _consistent(store)


def test_later_events_leave_an_opportunity_where_its_deal_put_it(store: Engine) -> None:
    ready(store, "ana")
    new_deal(store)

    feed(
        store,
        [
            track("r", "webinar_registered", at(11), user="ana"),
            track("w", "webinar_watched", at(12), user="ana"),
        ],
    )

    assert contact(store, "ana").stage == "opportunity"
    _consistent(store)


def test_a_deal_move_is_never_dated_before_the_deals_last_move(store: Engine) -> None:
    ready(store, "ana")
    deal_id = new_deal(store, day=10)

    _move(store, deal_id, "diagnosis", 5)

    assert moves(store, deal_id)[-1] == ("first_consultation", "diagnosis", at(10))


def _refused(
    store: Engine, action: Callable[[], object], error: type[EmbudoError], message: str
) -> None:
    before = full_dump(store)
    with pytest.raises(error) as raised:
        action()
    assert str(raised.value) == message
    assert full_dump(store) == before


STAGES = "first_consultation, diagnosis, quote, treatment_started, treatment_not_started"


def test_refused_commands_say_why_and_change_nothing(store: Engine) -> None:
    ready(store, "ana", "bob")
    deal_id = new_deal(store)
    won = new_deal(store, "bob")
    _win(store, won, 20)
    repeat = new_deal(store, "bob", day=30)
    cases: list[tuple[Callable[[], object], type[EmbudoError], str]] = [
        (
            lambda: _move(store, deal_id, "enrolled", 12),
            MoveNotAllowed,
            f"deal {deal_id}: stage 'enrolled' is not in pipeline 'treatment' (stages: {STAGES})",
        ),
        (
            lambda: _win(store, won, 21),
            MoveNotAllowed,
            f"deal {won} is already closed (won in stage 'treatment_started') — "
            "a won deal is final",
        ),
        (
            lambda: _lose(store, deal_id, 12, "bored"),
            InvalidInput,
            f"deal {deal_id}: unknown loss reason 'bored' (reasons: price, timing, competitor)",
        ),
        (
            lambda: new_deal(store, amount="-1"),
            InvalidInput,
            "contact ana: amount -1 is negative — a deal is worth 0 or more",
        ),
        (
            lambda: new_deal(store, currency="EURO"),
            InvalidInput,
            "contact ana: unknown currency 'EURO' — give a 3-letter ISO 4217 code "
            "such as EUR, USD or GBP",
        ),
        (
            lambda: new_deal(store, owner_email="nobody@example.com"),
            NotFound,
            "no active user 'nobody@example.com' — add one with: "
            "embudo user add nobody@example.com --name NAME",
        ),
        (
            lambda: new_deal(store, "carla"),
            NotFound,
            "no contact 'carla' — give a contact id, user id or email",
        ),
        (
            lambda: new_deal(store, referred_by="ana"),
            InvalidInput,
            "contact ana: a contact cannot be referred by themselves",
        ),
        (
            lambda: new_deal(store, pipeline="dental"),
            NotFound,
            "no pipeline 'dental' (pipelines: treatment, admissions)",
        ),
        (
            lambda: _move(store, 999, "quote", 12),
            NotFound,
            "no deal 999 in workspace 'default' — list them with: embudo deal list",
        ),
        (
            lambda: _lose(store, repeat, 31, recycle=True),
            MoveNotAllowed,
            f"deal {repeat}: cannot recycle a contact in stage 'customer' "
            "(allowed from: mql, sal, sql, opportunity) "
            "— lose the deal without recycling its contact",
        ),
    ]
    for action, error, message in cases:
        _refused(store, action, error, message)


def test_no_deal_for_a_disqualified_contact(store: Engine) -> None:
    ready(store, "ana")
    ws = workspace(store)
    with store.begin() as conn:
        move_contact(
            conn, ws, "ana", MoveKind.DISQUALIFY, at=at(5), actor=REP, reason="spam", now=NOW
        )

    _refused(
        store,
        lambda: new_deal(store),
        MoveNotAllowed,
        "contact ana is in stage 'disqualified', out of the funnel — "
        "reopen the contact before opening a deal",
    )


def test_an_inactive_user_owns_no_deal(store: Engine) -> None:
    ready(store, "ana")
    with store.begin() as conn:
        conn.execute(update(users).values(active=False))

    with pytest.raises(NotFound, match=r"no active user 'rep@example\.com'"):
        new_deal(store, owner_email=REP)


def test_a_referral_is_recorded(store: Engine) -> None:
    ready(store, "ana", "bob")

    deal_id = new_deal(store, "bob", referred_by="ana@example.com")

    assert deal_row(store, deal_id).referred_by_contact_id == contact(store, "ana").id


def _without(stage: str) -> dict[str, Any]:
    document = deal_document()
    pipeline = document["pipelines"]["treatment"]
    pipeline["stages"] = [s for s in pipeline["stages"] if s["key"] != stage]
    return document


def test_removing_a_stage_that_holds_deals_is_refused_with_their_ids(store: Engine) -> None:
    ready(store, "ana")
    ids = [new_deal(store, day=10 + n / 100) for n in range(12)]
    for deal_id in ids[:11]:
        _move(store, deal_id, "diagnosis", 11)

    with pytest.raises(SpecError) as raised, store.begin() as conn:
        apply_spec(conn, "default", _without("diagnosis"), source="v2", now=T0)

    listed = ", ".join(str(deal_id) for deal_id in ids[:10])
    assert raised.value.problems == [
        "pipelines.treatment.stages: stage 'diagnosis' is removed but 11 deal(s) are in it "
        f"(deals {listed} and 1 more) — keep the stage, or move those deals to another stage first"
    ]
    assert workspace(store).version == 1


def test_removing_a_pipeline_that_holds_deals_is_refused(store: Engine) -> None:
    ready(store, "ana")
    deal_id = new_deal(store, pipeline="admissions")
    document = deal_document()
    del document["pipelines"]["admissions"]

    with pytest.raises(SpecError) as raised, store.begin() as conn:
        apply_spec(conn, "default", document, source="v2", now=T0)

    assert raised.value.problems == [
        f"pipelines: pipeline 'admissions' is removed but 1 deal(s) are in it (deals {deal_id}) "
        "— keep the pipeline: its deals and their history need it"
    ]


def test_removing_an_empty_stage_is_a_new_version(store: Engine) -> None:
    ready(store, "ana")
    new_deal(store)

    with store.begin() as conn:
        applied = apply_spec(conn, "default", _without("diagnosis"), source="v2", now=T0)

    assert applied.version == 2


def test_deals_per_stage_count_and_value_every_stage(store: Engine) -> None:
    ready(store, "ana", "bob")
    new_deal(store, "ana", amount="1000.25")
    second = new_deal(store, "bob", amount="500.50")
    new_deal(store, "bob", amount="99", currency="USD")
    _win(store, second, 20)

    with store.connect() as conn:
        totals = deals_by_stage(conn, workspace(store).id, workspace(store).spec)

    treatment = [t for t in totals if t.pipeline == "treatment"]
    assert treatment == [
        StageTotal("treatment", "first_consultation", "open", 1, Decimal("1000.25"), "EUR"),
        StageTotal("treatment", "first_consultation", "open", 1, Decimal("99.00"), "USD"),
        StageTotal("treatment", "diagnosis", "open", 0, Decimal("0.00"), "EUR"),
        StageTotal("treatment", "quote", "open", 0, Decimal("0.00"), "EUR"),
        StageTotal("treatment", "treatment_started", "won", 1, Decimal("500.50"), "EUR"),
        StageTotal("treatment", "treatment_not_started", "lost", 0, Decimal("0.00"), "EUR"),
    ]
    assert len(totals) == 9


def test_a_merge_moves_the_absorbed_contacts_deals_to_the_survivor(store: Engine) -> None:
    ready(store, "ana")
    feed(store, [identify("i-bea", at(2), user="bea", email="bea@example.com")])
    deal_id = new_deal(store, "bea", day=3)
    feed(store, [alias("al-1", at(4), previous="bea", user="ana")])

    survivor = contact(store, "ana")
    assert deal_row(store, deal_id).contact_id == survivor.id
    assert contact(store, "bea").id == survivor.id


def test_a_removed_stage_mapped_in_moved_stages_moves_its_deals_with_history(
    store: Engine,
) -> None:
    ready(store, "ana", "bea")
    kept, moved = new_deal(store, "ana"), new_deal(store, "bea")
    _move(store, moved, "diagnosis", 11)
    document = _with_moved_stages(_without("diagnosis"), {"diagnosis": "quote"})

    with store.begin() as conn:
        applied = apply_spec(conn, "default", document, source="v2", now=NOW, actor="ops")

    assert applied.version == 2
    assert (deal_row(store, moved).stage, deal_row(store, kept).stage) == (
        "quote",
        "first_consultation",
    )
    last = history_of(store, moved)[-1]
    assert (last.from_stage, last.to_stage, last.source, last.actor, last.reason) == (
        "diagnosis",
        "quote",
        "spec",
        "ops",
        "stage 'diagnosis' removed in funnel definition version 2",
    )
    assert last.spec_version_id == workspace(store).spec_version_id
    _consistent(store)  # the moved deals' visits too


def test_a_stage_mapped_to_one_of_another_kind_is_refused_and_nothing_moves(
    store: Engine,
) -> None:
    ready(store, "ana")
    deal_id = new_deal(store)
    _move(store, deal_id, "diagnosis", 11)
    before = full_dump(store)
    document = _with_moved_stages(_without("diagnosis"), {"diagnosis": "treatment_started"})

    with pytest.raises(SpecError) as raised, store.begin() as conn:
        apply_spec(conn, "default", document, source="v2", now=NOW)

    assert raised.value.problems[0].startswith(
        "pipelines.treatment.stages: stage 'treatment_started' changes from open to won"
    )
    assert full_dump(store) == before


def _with_moved_stages(document: dict[str, Any], moved: dict[str, str]) -> dict[str, Any]:
    document["pipelines"]["treatment"]["moved_stages"] = moved
    return document


def test_the_upgrade_to_0014_writes_the_visits_of_the_deal_moves_already_stored(
    store: Engine,
) -> None:
    ready(store, "ana", "bea")
    first, second = new_deal(store, "ana"), new_deal(store, "bea")
    _move(store, first, "diagnosis", 11)
    _move(store, first, "quote", 12)
    _win(store, second, 13)
    schema.downgrade(store, "0013")

    schema.upgrade(store)

    with store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(deal_visits)) == 5
        assert deal_visit_violations(conn, workspace(store).id) == []
