"""Signing in and out in a real browser: the form, its errors, the way back, htmx signed out."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from web_support import ADMIN, MEMBER, PASSWORD, sign_in_page

from embudo.web.sessions import COOKIE


@pytest.fixture
def stranger(browser: Browser) -> Iterator[Page]:
    """A tab in a fresh context that never signed in."""
    context = browser.new_context(locale="en-US")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def test_a_wrong_password_is_said_beside_the_field_and_no_session_is_made(
    stranger: Page, site: str
) -> None:
    stranger.goto(f"{site}/flows?period=all")
    expect(stranger).to_have_url(re.compile(r"/sign-in\?next="))
    stranger.get_by_label("Email").fill(ADMIN)
    stranger.get_by_label("Password").fill("not the password")
    stranger.get_by_role("button", name="Sign in").click()
    message = stranger.locator("#sign_in-password-error")
    expect(message).to_have_text("That email and password do not match a user of this workspace.")
    expect(stranger.get_by_label("Password")).to_have_attribute(
        "aria-describedby", "sign_in-password-error"
    )
    expect(stranger.get_by_label("Email")).to_have_value(ADMIN)
    assert COOKIE not in {cookie["name"] for cookie in stranger.context.cookies()}


def test_signing_in_comes_back_to_the_page_asked_for(stranger: Page, site: str) -> None:
    sign_in_page(stranger, f"{site}/flows?period=all")
    expect(stranger).to_have_url(f"{site}/flows?period=all")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Flows")
    expect(stranger.locator(".sign-out .who")).to_have_text("Ada")


def test_sign_out_ends_the_session(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{site}/sign-in")
    page.goto(f"{site}/pipeline")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fpipeline$"))


def test_an_htmx_call_without_a_session_sends_the_tab_to_sign_in(page: Page, site: str) -> None:
    page.goto(f"{site}/?period=all")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    page.context.clear_cookies()
    page.get_by_label("Period").select_option("30d")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F%3Fperiod%3Dall$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def test_a_member_sees_the_definition_but_no_apply_button(stranger: Page, site: str) -> None:
    sign_in_page(stranger, f"{site}/settings", email=MEMBER, password=PASSWORD)
    expect(stranger.get_by_role("button", name="Validate")).to_be_visible()
    expect(stranger.get_by_role("button", name="Apply as a new version")).to_have_count(0)
    expect(stranger.get_by_text("Only an admin can apply a definition")).to_be_visible()
