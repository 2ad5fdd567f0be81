"""Playbooks through real ingestion, people's moves, deal moves, the SLA sweep and the rot check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from deal_support import REP, deal_document, new_deal
from funnel_support import (
    NOW,
    at,
    contact,
    contact_id,
    feed,
    identify,
    install,
    track,
    transition_rows,
    workspace,
)
from invariants import history_violations
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from embudo.analytics.lists import list_members
from embudo.domain.deals import DealSource
from embudo.domain.errors import PlaybookLoop
from embudo.domain.playbooks import ContactEntered
from embudo.engine.deals import create_deal, move_deal, win_deal
from embudo.engine.handoff import accept_lead
from embudo.engine.playbooks import run_playbooks
from embudo.engine.rotting import check_rotting
from embudo.engine.sla import check_first_touch
from embudo.engine.users import add_user
from embudo.store.outbox import recent_outbox
from embudo.store.tables import (
    deals,
    events,
    lifecycle_transitions,
    list_memberships,
    owner_assignments,
    playbook_runs,
    tasks,
)

Playbook = dict[str, Any]
PROMOTE = {
    "name": "promote",
    "when": {"contact_enters": "lead"},
    "do": [{"add_to_list": "promotional"}],
}
FOCUS = {
    "name": "opportunity_focus",
    "when": {"contact_enters": "opportunity"},
    "do": [{"remove_from_list": "promotional"}, {"add_to_list": "sales_nurture"}],
}
LOYALTY = {
    "name": "customer_loyalty",
    "when": {"deal_enters": "treatment_started"},
    "do": [
        {"add_to_list": "loyalty"},
        {"create_task": "Ask for a referral", "kind": "call", "due_hours": 720},
    ],
}


def setup(store: Engine, *playbooks: Playbook, **sections: Any) -> None:
    """The deal funnel with these playbooks, and one sales rep."""
    install(store, deal_document(playbooks=list(playbooks), **sections))
    with store.begin() as conn:
        add_user(conn, workspace(store).id, REP, name="Rep", now=at(0))


def lead(person: str, day: float, **traits: Any) -> dict[str, Any]:
    return identify(
        f"i-{person}-{day}", at(day), user=person, email=f"{person}@example.com", **traits
    )


def mql(person: str, day: float) -> list[dict[str, Any]]:
    return [
        lead(person, day - 1),
        track(f"{person}-r", "webinar_registered", at(day - 1), user=person),
        track(f"{person}-w", "webinar_watched", at(day), user=person),
    ]


def members(store: Engine, key: str) -> list[int]:
    with store.connect() as conn:
        return [row["contact_id"] for row in list_members(conn, workspace(store).id, key)]


def memberships(store: Engine) -> list[Any]:
    m = list_memberships
    with store.connect() as conn:
        return list(conn.execute(select(m).order_by(m.c.id)))


def runs(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(playbook_runs).order_by(playbook_runs.c.id)))


def task_rows(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(tasks).order_by(tasks.c.id)))


def count(store: Engine, table: Any) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def win(store: Engine, deal_id: int, day: float) -> None:
    with store.begin() as conn:
        win_deal(
            conn, workspace(store), deal_id, actor=REP, source=DealSource.CLI, now=NOW, at=at(day)
        )


def test_seeds_an_opportunity_leaves_promotions_for_sales_nurture(store: Engine) -> None:
    setup(store, PROMOTE, FOCUS)
    feed(store, [lead("ana", 1)])
    ana = contact_id(store, "ana")
    assert members(store, "promotional") == [ana]

    new_deal(store, "ana", day=5)

    assert members(store, "promotional") == []
    assert members(store, "sales_nurture") == [ana]
    closed = [row for row in memberships(store) if row.removed_at is not None]
    assert [(row.contact_id, row.removed_at, row.cause) for row in closed] == [
        (ana, at(5), "playbook:promote")
    ]
    assert history_violations(store, workspace(store).id) == []


def test_an_unsubscribed_contact_is_never_added_to_a_marketing_list(store: Engine) -> None:
    setup(store, PROMOTE, FOCUS)
    feed(store, [lead("ana", 1), lead("bo", 1, unsubscribed=True)])
    bo = contact_id(store, "bo")

    new_deal(store, "bo", day=5)

    assert members(store, "promotional") == [contact_id(store, "ana")]
    assert members(store, "sales_nurture") == []
    outcomes = [row.outcomes for row in runs(store) if row.contact_id == bo]
    assert outcomes == [["skipped: unsubscribed"], ["not a member", "skipped: unsubscribed"]]


def test_seeds_a_won_deal_joins_loyalty_and_owes_a_referral_call(store: Engine) -> None:
    setup(store, LOYALTY)
    feed(store, [lead("ana", 1)])
    deal_id = new_deal(store, "ana", day=5, owner_email=REP)

    win(store, deal_id, 9)

    ana = contact_id(store, "ana")
    assert members(store, "loyalty") == [ana]
    [task] = task_rows(store)
    assert (task.contact_id, task.title, task.kind) == (ana, "Ask for a referral", "call")
    assert (task.due_at, task.cause) == (at(9) + timedelta(hours=720), "playbook:customer_loyalty")
    assert contact(store, "ana").stage == "customer"
    assert history_violations(store, workspace(store).id) == []


def test_seeds_an_mql_gets_one_owner_from_the_handoff_and_a_call_task_for_them(
    store: Engine,
) -> None:
    handoff = {
        "name": "mql_handoff",
        "when": {"contact_enters": "mql"},
        "do": [
            {"assign_owner": "round_robin", "team": "sales"},
            {"create_task": "Call", "kind": "call"},
        ],
    }
    setup(store, handoff)

    feed(store, mql("ana", 3))

    assert count(store, owner_assignments) == 1
    [task] = task_rows(store)
    assert task.owner_id == contact(store, "ana").owner_id is not None
    assert task.due_at == at(3) + timedelta(hours=24)
    [run] = runs(store)
    assert run.outcomes[0].startswith("skipped: has an active owner")


def test_assign_owner_hands_an_unowned_contact_to_the_named_user(store: Engine) -> None:
    setup(store, {"name": "vip", "when": {"contact_enters": "lead"}, "do": [{"assign_owner": REP}]})

    feed(store, [lead("ana", 1)])

    with store.connect() as conn:
        [made] = list(conn.execute(select(owner_assignments)))
    assert (made.contact_id, made.assigned_at, made.actor) == (
        contact_id(store, "ana"),
        at(1),
        "playbook:vip",
    )
    assert contact(store, "ana").owner_id == made.owner_id


def test_a_set_property_survives_the_next_fold_and_yields_to_a_newer_identify(
    store: Engine,
) -> None:
    tier = {
        "name": "tier",
        "when": {"contact_enters": "lead"},
        "do": [{"set_property": "tier", "value": "gold"}],
    }
    setup(store, tier)

    feed(store, [lead("ana", 1)])
    assert contact(store, "ana").traits["tier"] == "gold"

    feed(store, [identify("later", at(2), user="ana", country="ES")])
    assert contact(store, "ana").traits == {
        "email": "ana@example.com",
        "tier": "gold",
        "country": "ES",
    }

    feed(store, [identify("newer", at(3), user="ana", tier="silver")])
    assert contact(store, "ana").traits["tier"] == "silver"
    assert history_violations(store, workspace(store).id) == []


def test_seeds_an_sql_gets_a_deal_and_becomes_an_opportunity(store: Engine) -> None:
    request = {
        "name": "request",
        "when": {"contact_enters": "sql"},
        "do": [{"create_deal": "treatment", "stage": "diagnosis", "amount": 450.5}],
    }
    setup(store, request, FOCUS)

    feed(
        store,
        [
            lead("ana", 1),
            track("ana-p", "price_list_downloaded", at(2), user="ana"),
            track("ana-t", "trial_started", at(3), user="ana"),
        ],
    )

    with store.connect() as conn:
        [deal] = list(conn.execute(select(deals)))
    assert (deal.pipeline, deal.stage, deal.amount, deal.created_by) == (
        "treatment",
        "diagnosis",
        Decimal("450.5"),
        "playbook:request",
    )
    ana = contact_id(store, "ana")
    assert [row.to_stage for row in transition_rows(store, ana)][-2:] == ["sql", "opportunity"]
    assert members(store, "sales_nurture") == [ana]
    assert history_violations(store, workspace(store).id) == []


def test_create_deal_skips_a_contact_with_an_open_deal_in_the_pipeline(store: Engine) -> None:
    cross_sell = {
        "name": "cross_sell",
        "when": {"deal_enters": "enrolled"},
        "do": [{"create_deal": "treatment"}],
    }
    setup(store, cross_sell)
    feed(store, [lead("ana", 1), lead("bo", 1)])
    new_deal(store, "ana", day=2)
    enrolments = [new_deal(store, person, day=3, pipeline="admissions") for person in ("ana", "bo")]

    for deal_id in enrolments:
        win(store, deal_id, 4)

    with store.connect() as conn:
        treatment = list(
            conn.execute(select(deals.c.contact_id).where(deals.c.pipeline == "treatment"))
        )
    assert sorted(row.contact_id for row in treatment) == sorted(
        contact_id(store, p) for p in ("ana", "bo")
    )
    assert [row.outcomes for row in runs(store)] == [
        ["skipped: an open deal in pipeline 'treatment'"],
        [f"deal {max(row.id for row in _all_deals(store))} opened"],
    ]


def _all_deals(store: Engine) -> list[Any]:
    with store.connect() as conn:
        return list(conn.execute(select(deals.c.id)))


def test_an_sla_breach_notifies_through_the_outbox(store: Engine) -> None:
    escalate = {
        "name": "escalate",
        "when": {"sla_breached": True},
        "do": [{"notify": "sales-managers"}],
    }
    setup(store, escalate, sla={"first_touch_hours": 24})
    feed(store, mql("ana", 3))

    with store.begin() as conn:
        check_first_touch(conn, workspace(store), at(5))

    with store.connect() as conn:
        [message] = recent_outbox(conn, workspace(store).id, 10)
    assert message["topic"] == "sales-managers"
    assert message["payload"] == {
        "workspace": "default",
        "playbook": "escalate",
        "subject": {"kind": "contact", "id": contact_id(store, "ana")},
        "trigger": {
            "kind": "sla_breached",
            "contact_id": contact_id(store, "ana"),
            "at": at(4).isoformat(),
        },
    }


def test_a_person_s_move_runs_the_playbooks_of_leaving_a_stage(store: Engine) -> None:
    handed = {
        "name": "handed",
        "when": {"contact_leaves": "mql"},
        "do": [{"add_to_list": "accepted"}],
    }
    setup(store, handed)
    feed(store, mql("ana", 3))

    with store.begin() as conn:
        accept_lead(conn, workspace(store), "ana", at=at(4), actor=REP, now=NOW)

    assert members(store, "accepted") == [contact_id(store, "ana")]


def test_running_a_trigger_twice_changes_nothing_the_second_time(store: Engine) -> None:
    setup(store, LOYALTY, PROMOTE)
    feed(store, [lead("ana", 1)])
    ana = contact_id(store, "ana")
    again = [ContactEntered(ana, "lead", at(1))]
    before = (count(store, playbook_runs), count(store, list_memberships))

    with store.begin() as conn:
        assert run_playbooks(conn, workspace(store), again, now=NOW) == []

    assert (count(store, playbook_runs), count(store, list_memberships)) == before == (1, 1)


def test_a_failing_action_rolls_back_the_move_that_triggered_it(store: Engine) -> None:
    tier = {
        "name": "tier",
        "when": {"deal_enters": "treatment_started"},
        "do": [{"set_property": "tier", "value": "gold"}],
    }
    setup(store, tier)
    feed(store, [lead("ana", 1), track("embudo:playbook-run:1:0", "clash", at(1), user="ana")])
    deal_id = new_deal(store, "ana", day=2)
    before = (
        count(store, lifecycle_transitions),
        count(store, events),
        count(store, playbook_runs),
    )

    with pytest.raises(IntegrityError):
        win(store, deal_id, 3)

    assert (
        count(store, lifecycle_transitions),
        count(store, events),
        count(store, playbook_runs),
    ) == before
    with store.connect() as conn:
        assert conn.scalar(select(deals.c.status).where(deals.c.id == deal_id)) == "open"


def test_a_rotting_deal_fires_once_per_stage_entry(store: Engine) -> None:
    chase = {
        "name": "chase",
        "when": {"deal_rots": True},
        "do": [{"create_task": "Chase", "due_hours": 24}],
    }
    setup(store, chase)
    feed(store, [lead("ana", 1)])
    deal_id = new_deal(store, "ana", day=10)

    def check(day: float) -> int:
        with store.begin() as conn:
            return len(check_rotting(conn, workspace(store), at(day)))

    assert [check(16), check(17), check(18)] == [0, 1, 0]
    with store.begin() as conn:
        ws = workspace(store)
        move_deal(
            conn, ws, deal_id, "diagnosis", actor=REP, source=DealSource.CLI, now=NOW, at=at(19)
        )
        move_deal(
            conn,
            ws,
            deal_id,
            "first_consultation",
            actor=REP,
            source=DealSource.CLI,
            now=NOW,
            at=at(20),
        )
    assert [check(26), check(27)] == [0, 1]
    assert [task.due_at for task in task_rows(store)] == [
        at(17) + timedelta(hours=24),
        at(27) + timedelta(hours=24),
    ]


def test_playbooks_that_keep_opening_deals_in_each_other_are_refused(store: Engine) -> None:
    pipelines = {
        f"p{n}": {
            "stages": [
                {"key": f"open{n}", "probability": 0.5},
                {"key": f"won{n}", "probability": 1, "kind": "won"},
                {"key": f"lost{n}", "probability": 0, "kind": "lost"},
            ]
        }
        for n in range(7)
    }
    chain = [
        {
            "name": f"chain{n}",
            "when": {"deal_enters": f"open{n}"},
            "do": [{"create_deal": f"p{n + 1}"}],
        }
        for n in range(6)
    ]
    install(store, deal_document(pipelines=pipelines, playbooks=chain))
    feed(store, [lead("ana", 1)])

    with pytest.raises(PlaybookLoop, match="levels deep"), store.begin() as conn:
        create_deal(
            conn,
            workspace(store),
            "ana",
            pipeline="p0",
            amount=Decimal(1),
            actor=REP,
            source=DealSource.CLI,
            now=NOW,
        )

    assert count(store, deals) == 0
