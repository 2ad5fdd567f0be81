"""The Maven preset: deals with agent, product, account, stage and dates; each quirk a warning."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from preset_files import MAVEN_PIPELINE, NOW, dump_store, maven_files
from sqlalchemy import Engine, select

from embudo.io.presets import maven, maven_catalog, plan_import
from embudo.io.presets.csv_source import CRLF
from embudo.io.presets.plan import run_import
from embudo.store.tables import (
    companies,
    contacts,
    deal_stage_history,
    deals,
    identities,
    lifecycle_transitions,
    users,
)


def _import(store: Engine, folder: Path) -> None:
    run_import(store, "maven", plan_import("maven", [folder]), now=NOW)


def test_each_quirk_of_the_data_is_a_warning_with_its_row(tmp_path: Path) -> None:
    plan = plan_import("maven", [maven_files(tmp_path)])
    found = {kind.kind: [q.where for q in kind.examples] for kind in plan.quirks.summary()}
    assert found == {
        CRLF: ["accounts.csv", "products.csv", "sales_teams.csv"],
        maven.NO_ACCOUNT: ["sales_pipeline.csv:4"],
        maven.PROSPECTING_UNDATED: ["sales_pipeline.csv:5"],
        maven_catalog.RESPELLED: ["sales_pipeline.csv:2"],
        maven.LOST_AT_ZERO: ["sales_pipeline.csv:3"],
    }
    assert plan.quirks.count(CRLF) == 4


def test_odd_rows_are_imported_with_what_is_known_or_skipped_with_a_warning(tmp_path: Path) -> None:
    pipeline = [
        *MAVEN_PIPELINE,
        ["W1", "Moses Frase", "GTX Basic", "Acme", "Won", "2017-01-10", "2017-03-01", "550"],
        ["X1", "Moses Frase", "GTX Basic", "Acme", "Stalled", "2017-01-10", "", ""],
        ["W2", "New Agent", "Unobtainium", "Nobody Inc", "Won", "2017-02-10", "2017-02-01", "x"],
        ["W3", "", "GTX Basic", "Acme", "Won", "", "", "550"],
    ]
    plan = plan_import("maven", [maven_files(tmp_path, pipeline)])
    counts = {kind.kind: kind.count for kind in plan.quirks.summary()}
    del counts[CRLF]
    assert counts == {
        maven.NO_ACCOUNT: 1,
        maven.PROSPECTING_UNDATED: 1,
        maven_catalog.RESPELLED: 1,
        maven.LOST_AT_ZERO: 1,
        maven.REPEATED: 1,
        maven.UNKNOWN_STAGE: 1,
        maven.CLOSED_BEFORE: 1,
        maven.BAD_VALUE: 1,
        maven_catalog.UNKNOWN_PRODUCT: 1,
        maven_catalog.UNKNOWN_ACCOUNT: 1,
        maven_catalog.UNKNOWN_AGENT: 1,
        maven.UNCLOSED: 1,
        maven.UNDATED: 1,
        maven_catalog.NO_AGENT: 1,
    }
    assert {step.key for step in plan.steps} == {
        f"maven:{key}" for key in ("W1", "L1", "E1", "P1", "W2", "W3")
    }


def test_deals_keep_agent_product_account_stage_dates_and_value(
    store: Engine, tmp_path: Path
) -> None:
    _import(store, maven_files(tmp_path))
    with store.connect() as conn:
        rows = conn.execute(
            select(
                deals.c.source_key,
                deals.c.stage,
                deals.c.title,
                deals.c.amount,
                users.c.email,
                users.c.team,
            )
            .join(users, users.c.id == deals.c.owner_id)
            .order_by(deals.c.source_key)
        ).all()
        company = conn.execute(select(companies.c.group_id, companies.c.traits)).all()
    assert [tuple(row) for row in rows] == [
        (
            "maven:E1",
            "engaging",
            "GTX Basic",
            Decimal("550.0000"),
            "anna.snelling@maven.invalid",
            "central",
        ),
        (
            "maven:L1",
            "lost",
            "MG Special",
            Decimal("55.0000"),
            "moses.frase@maven.invalid",
            "central",
        ),
        (
            "maven:P1",
            "prospecting",
            "GTX Basic",
            Decimal("550.0000"),
            "anna.snelling@maven.invalid",
            "central",
        ),
        (
            "maven:W1",
            "won",
            "GTX Pro",
            Decimal("4514.0000"),
            "moses.frase@maven.invalid",
            "central",
        ),
    ]
    traits = {row.group_id: row.traits for row in company}
    assert traits["Acme"]["employees"] == 2822
    assert traits["Betatech"]["sector"] == "medical"


def day(month: int, number: int) -> datetime:
    return datetime(2017, month, number, tzinfo=UTC)


def test_deals_open_at_engage_close_at_close_and_undated_prospects_at_the_last_date(
    store: Engine, tmp_path: Path
) -> None:
    _import(store, maven_files(tmp_path))
    with store.connect() as conn:
        history = conn.execute(
            select(
                deals.c.source_key, deal_stage_history.c.to_stage, deal_stage_history.c.occurred_at
            )
            .join(deals, deals.c.id == deal_stage_history.c.deal_id)
            .order_by(deals.c.source_key, deal_stage_history.c.id)
        ).all()
    assert [tuple(row) for row in history] == [
        ("maven:E1", "engaging", day(6, 1)),
        ("maven:L1", "engaging", day(1, 5)),
        ("maven:L1", "lost", day(1, 20)),
        ("maven:P1", "prospecting", day(6, 1)),  # the latest date in the file
        ("maven:W1", "engaging", day(1, 10)),
        ("maven:W1", "won", day(3, 1)),
    ]


def test_an_account_becomes_a_customer_at_its_first_win_whatever_the_row_order(
    store: Engine, tmp_path: Path
) -> None:
    pipeline = [
        ["A1", "Moses Frase", "GTX Basic", "Acme", "Won", "2017-01-01", "2017-05-01", "550"],
        ["A2", "Moses Frase", "GTX Basic", "Acme", "Won", "2017-02-01", "2017-03-01", "550"],
    ]
    _import(store, maven_files(tmp_path, pipeline))
    t = lifecycle_transitions
    with store.connect() as conn:
        moves = conn.execute(
            select(t.c.to_stage, t.c.occurred_at)
            .join(identities, identities.c.contact_id == t.c.contact_id)
            .where(identities.c.value == "maven:account:Acme")
            .order_by(t.c.occurred_at, t.c.id)
        ).all()
        stages = dict(conn.execute(select(contacts.c.id, contacts.c.stage)).all())
    assert [tuple(row) for row in moves][-2:] == [
        ("opportunity", datetime(2017, 1, 1, tzinfo=UTC)),
        ("customer", datetime(2017, 3, 1, tzinfo=UTC)),
    ]
    assert list(stages.values()) == ["customer"]


def test_importing_twice_changes_nothing(store: Engine, tmp_path: Path) -> None:
    folder = maven_files(tmp_path)
    _import(store, folder)
    before = dump_store(store)
    summary = run_import(store, "maven", plan_import("maven", [folder]), now=NOW)
    assert dump_store(store) == before
    assert (summary.ingested.accepted, summary.opened, summary.won, summary.already_imported) == (
        0,
        0,
        0,
        4,
    )


def test_an_import_cut_short_is_finished_by_the_next(store: Engine, tmp_path: Path) -> None:
    folder = maven_files(tmp_path)
    plan = plan_import("maven", [folder])
    plan.steps = [step for step in plan.steps if step.key != "maven:W1" or step.at.month == 1]
    run_import(store, "maven", plan, now=NOW)
    summary = run_import(store, "maven", plan_import("maven", [folder]), now=NOW)
    assert (summary.opened, summary.won, summary.lost, summary.already_imported) == (0, 1, 0, 4)
    with store.connect() as conn:
        status = conn.scalar(select(deals.c.status).where(deals.c.source_key == "maven:W1"))
    assert status == "won"
