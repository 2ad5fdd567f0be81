"""Sales' pages in a real browser: the board by drag and by keyboard, a lead accepted, errors.

A sales desk (a rep, MQLs, open deals: `desk_support`) is added once to the
session's demo store; each test works on its own deal or lead, so the order
of the tests does not matter.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from desk_support import Desk, contact_moves, deal_moves, sales_desk
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from web_support import ADMIN


@pytest.fixture(scope="module")
def desk(demo_engine: Engine) -> Desk:
    return sales_desk(demo_engine, datetime.now(UTC))


def test_a_card_dragged_to_another_stage_is_moved_in_the_store(
    page: Page, site: str, desk: Desk, demo_engine: Engine
) -> None:
    deal = desk.deals[0]
    page.set_viewport_size(
        {"width": 1280, "height": 2400}
    )  # both columns in view, whatever the demo drew
    page.goto(f"{site}/pipeline")
    card = page.locator(f"#deal-{deal}")
    expect(card).to_have_attribute("data-stage", "discovery")
    card.locator(".card-title").drag_to(page.locator(".stage-column[data-stage='proposal']"))
    moved = page.locator(f".stage-column[data-stage='proposal'] #deal-{deal}")
    expect(moved).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Deal {deal} moved to Proposal sent.")
    assert deal_moves(demo_engine, deal)[-1] == ("discovery", "proposal", "web", ADMIN)


def test_on_a_phone_the_keyboard_moves_a_card_with_its_stage_field(
    page: Page, site: str, desk: Desk, demo_engine: Engine
) -> None:
    deal = desk.deals[1]
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site}/pipeline")
    scrolls = "b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'auto'"
    assert page.locator(".board").evaluate(scrolls), "on a phone the board scrolls sideways"
    field = page.get_by_label("Move to").and_(page.locator(f"#move-{deal}"))
    field.focus()
    field.select_option("negotiation")
    page.keyboard.press("Tab")
    expect(page.locator(f"#deal-{deal} button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f".stage-column[data-stage='negotiation'] #deal-{deal}")).to_be_visible()
    expect(page.locator(f"#move-{deal}")).to_be_focused()
    assert deal_moves(demo_engine, deal)[-1] == ("discovery", "negotiation", "web", ADMIN)


def test_a_lead_found_in_the_table_is_accepted_from_its_page(
    page: Page, site: str, desk: Desk, demo_engine: Engine
) -> None:
    contact = desk.contacts[desk.mqls[0]]
    page.goto(f"{site}/leads")
    page.get_by_label("Search by name or email").fill("mql-0@desk")
    page.get_by_role("link", name="Mql 0").click()
    expect(page.get_by_role("heading", name="Mql 0", level=1)).to_be_visible()
    page.get_by_role("button", name="Accept (to SAL)").click()
    expect(page.get_by_role("status")).to_contain_text("Accepted")
    expect(page.locator("#transitions tbody tr").first).to_contain_text(f"accepted by {ADMIN}")
    assert contact_moves(demo_engine, contact)[-1] == ("mql", "sal", "accept")


def test_a_reject_without_reason_is_answered_beside_the_field(
    page: Page, site: str, desk: Desk, demo_engine: Engine
) -> None:
    contact = desk.contacts[desk.mqls[1]]
    before = contact_moves(demo_engine, contact)
    page.goto(f"{site}/leads/{contact}")
    page.get_by_role("button", name="Reject (back to nurture)").click()
    field = page.get_by_label("Rejection reason")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description("Choose a reason.")
    assert contact_moves(demo_engine, contact) == before


def test_settings_shows_a_definition_problem_in_place(page: Page, site: str) -> None:
    page.goto(f"{site}/settings")
    editor = page.get_by_label("embudo.yaml")
    text = editor.input_value().replace("- event: webinar_watched", "- event: webinar_wached")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "webinar_wached" in row)
    editor.fill(text)
    page.get_by_role("button", name="Validate").click()
    problems = page.locator("#spec-problems")
    expect(problems).to_contain_text("nothing was applied")
    expect(problems).to_contain_text("qualification.mql.all[1].event")
    page.get_by_role("link", name=f"line {line}").click()
    expect(editor).to_be_focused()
    chosen = editor.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert "webinar_wached" in chosen
