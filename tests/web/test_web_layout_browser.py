"""The layout in a real browser: the workspace switch, and the keyboard's way in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from web_support import ADMIN, PASSWORD, WORKSPACE, Site, add_person, add_workspace, sign_in_page


def test_workspace_switch_asks_to_sign_in_there_then_keeps_it(page: Page, own_site: Site) -> None:
    add_workspace(own_site.engine, "clinica", "clinic")
    add_person(own_site.engine, ADMIN, workspace="clinica")
    sign_in_page(page, f"{own_site.url}/?period=all")
    expect(page.get_by_label("Workspace")).to_have_value(WORKSPACE)
    page.get_by_label("Workspace").select_option("clinica")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_text("Workspace clinica")).to_be_visible()
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"workspace=clinica"))
    expect(page.get_by_text("No contact entered the funnel in this period.")).to_be_visible()
    page.get_by_role("link", name="Flows").click()
    expect(page.get_by_label("Workspace")).to_have_value("clinica")


def test_keyboard_reaches_the_skip_link_then_the_sections(page: Page, site: str) -> None:
    page.goto(f"{site}/reports")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link shows when focused"
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Overview")).to_be_focused()
