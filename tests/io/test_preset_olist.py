"""The Olist preset: MQLs by channel, won deals with SDR and SR, each quirk a warning."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from preset_files import MQL_A, MQL_B, MQL_C, NOW, SDR, SR, deal_row, dump_store, olist_files
from sqlalchemy import Engine, select

from embudo.domain.errors import InvalidInput
from embudo.domain.spec import MoveKind
from embudo.engine.moves import move_contact
from embudo.engine.workspaces import apply_spec
from embudo.io.presets import olist, plan_import, preset_spec
from embudo.io.presets.plan import REFUSED, ImportPlan, run_import
from embudo.store.tables import channels, contacts, deal_stage_history, deals, identities, users
from embudo.store.workspaces import open_workspace


def _quirks(plan: ImportPlan) -> dict[str, list[str]]:
    return {kind.kind: [q.where for q in kind.examples] for kind in plan.quirks.summary()}


def test_each_quirk_of_the_data_is_a_warning_with_its_row(tmp_path: Path) -> None:
    plan = plan_import("olist", [olist_files(tmp_path)])
    assert _quirks(plan) == {
        olist.EMPTY_ORIGIN: ["olist_marketing_qualified_leads_dataset.csv:4"],
        olist.SEVERAL_PROFILES: ["olist_closed_deals_dataset.csv:2"],
        olist.WON_BEFORE_CONTACT: ["olist_closed_deals_dataset.csv:3"],
    }


def test_bad_rows_are_skipped_with_a_warning_never_silently(tmp_path: Path) -> None:
    mqls = [
        [MQL_A, "2018-02-01", "e", "social"],
        [MQL_A, "2018-02-02", "e", "social"],
        ["", "2018-02-01", "e", "x"],
        [MQL_B, "yesterday", "e", "social"],
    ]
    deals = [
        deal_row(MQL_A, "2018-02-26", revenue="lots", sdr=""),
        deal_row(MQL_C, "2018-02-27"),
        deal_row(MQL_B, "never"),
    ]
    plan = plan_import("olist", [olist_files(tmp_path, mqls, deals)])
    counts = {kind.kind: kind.count for kind in plan.quirks.summary()}
    assert counts == {
        olist.REPEATED: 1,
        olist.NO_ID: 1,
        olist.BAD_DATE: 2,
        olist.NO_MQL: 1,
        olist.NO_REP: 1,
        olist.BAD_REVENUE: 1,
    }
    assert len(plan.steps) == 2  # MQL_A's deal: opened, won


def _import(store: Engine, folder: Path, workspace: str = "olist") -> None:
    run_import(store, workspace, plan_import("olist", [folder]), now=NOW)


def test_mqls_become_mql_contacts_in_their_channel_and_deals_are_won(
    store: Engine, tmp_path: Path
) -> None:
    _import(store, olist_files(tmp_path))
    with store.connect() as conn:
        by_channel = dict(
            conn.execute(
                select(identities.c.value, channels.c.key)
                .join(contacts, contacts.c.id == identities.c.contact_id)
                .join(channels, channels.c.id == contacts.c.channel_id)
            ).all()
        )
        stages = dict(
            conn.execute(
                select(identities.c.value, contacts.c.stage).join(
                    contacts, contacts.c.id == identities.c.contact_id
                )
            ).all()
        )
        won = conn.execute(
            select(
                deals.c.source_key, deals.c.status, deals.c.amount, deals.c.currency, users.c.email
            )
            .join(users, users.c.id == deals.c.owner_id)
            .order_by(deals.c.source_key)
        ).all()
        owner = conn.scalar(
            select(users.c.email)
            .join(contacts, contacts.c.owner_id == users.c.id)
            .join(identities, identities.c.contact_id == contacts.c.id)
            .where(identities.c.value == MQL_A)
        )
    assert by_channel == {MQL_A: "social", MQL_B: "paid_search", MQL_C: "unknown"}
    assert stages == {MQL_A: "customer", MQL_B: "customer", MQL_C: "mql"}
    assert [tuple(row) for row in won] == [
        (f"olist:{MQL_A}", "won", Decimal("1500.0000"), "BRL", f"{SR}@olist.invalid"),
        (f"olist:{MQL_B}", "won", Decimal("0.0000"), "BRL", f"{SR}@olist.invalid"),
    ]
    assert owner == f"{SDR}@olist.invalid"


def test_a_deal_opens_at_the_first_contact_and_is_won_at_the_won_date(
    store: Engine, tmp_path: Path
) -> None:
    _import(store, olist_files(tmp_path))
    with store.connect() as conn:
        rows = conn.execute(
            select(
                deals.c.source_key, deal_stage_history.c.to_stage, deal_stage_history.c.occurred_at
            )
            .join(deals, deals.c.id == deal_stage_history.c.deal_id)
            .order_by(deals.c.source_key, deal_stage_history.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (f"olist:{MQL_A}", "in_contact", datetime(2018, 2, 1, tzinfo=UTC)),
        (f"olist:{MQL_A}", "won", datetime(2018, 2, 26, 19, 58, 54, tzinfo=UTC)),
        # won two days before its first contact: opened and won at the won date
        (f"olist:{MQL_B}", "in_contact", datetime(2018, 3, 6, 19, 38, 55, tzinfo=UTC)),
        (f"olist:{MQL_B}", "won", datetime(2018, 3, 6, 19, 38, 55, tzinfo=UTC)),
    ]


def test_importing_twice_changes_nothing(store: Engine, tmp_path: Path) -> None:
    folder = olist_files(tmp_path)
    _import(store, folder)
    before = dump_store(store)
    summary = run_import(store, "olist", plan_import("olist", [folder]), now=NOW)
    assert dump_store(store) == before
    assert (summary.ingested.accepted, summary.opened, summary.already_imported) == (0, 0, 2)


def test_a_workspace_without_the_preset_pipeline_is_refused(store: Engine, tmp_path: Path) -> None:
    maven = preset_spec("maven")
    with store.begin() as conn:
        apply_spec(conn, "mine", maven.document, maven.source, now=NOW)
    with pytest.raises(
        InvalidInput,
        match="workspace 'mine' has a funnel definition without pipeline 'seller_onboarding'",
    ):
        _import(store, olist_files(tmp_path), workspace="mine")


def test_a_deal_the_engine_refuses_is_a_warning_and_the_others_are_imported(
    store: Engine, tmp_path: Path
) -> None:
    (tmp_path / "mqls").mkdir()
    mqls_only = olist_files(tmp_path / "mqls", deals=[])
    run_import(store, "olist", plan_import("olist", [mqls_only]), now=NOW)
    with store.begin() as conn:
        workspace = open_workspace(conn, "olist")
        move_contact(
            conn, workspace, MQL_A, MoveKind.DISQUALIFY, at=NOW, actor="t", reason=None, now=NOW
        )
    plan = plan_import("olist", [olist_files(tmp_path)])
    summary = run_import(store, "olist", plan, now=NOW)
    assert (summary.opened, summary.won, summary.refused) == (1, 1, 1)
    refused = plan.quirks.summary()[-1]
    assert (refused.kind, refused.count) == (REFUSED, 1)
    assert refused.examples[0].where == "olist_closed_deals_dataset.csv:2"
    assert "out of the funnel" in refused.examples[0].detail
    with store.connect() as conn:
        keys = list(conn.scalars(select(deals.c.source_key)))
        owner = conn.scalar(
            select(contacts.c.owner_id)
            .join(identities, identities.c.contact_id == contacts.c.id)
            .where(identities.c.value == MQL_A)
        )
    assert keys == [f"olist:{MQL_B}"]
    assert owner is None  # the SDR assignment was undone with the refused deal
