"""The users in Settings in a real browser: a button changes a user in place (htmx), and a
refusal is shown beside the button that asked."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from web_support import ADMIN, MEMBER, Site, add_person, sign_in_page


def test_an_admin_deactivates_a_member_in_place_and_is_refused_their_own(
    page: Page, own_site: Site
) -> None:
    add_person(own_site.engine, MEMBER, role="member")
    sign_in_page(page, f"{own_site.url}/settings")
    users = page.locator("#users")
    users.get_by_role("button", name=f"Deactivate {MEMBER}").click()
    expect(users.get_by_role("button", name=f"Activate {MEMBER}")).to_be_visible()
    users.get_by_role("button", name=f"Deactivate {ADMIN}").click()
    refusal = page.locator(".field-error")
    expect(refusal).to_have_text("You cannot deactivate yourself: ask another admin to do it.")
    expect(users.get_by_role("button", name=f"Deactivate {ADMIN}")).to_have_attribute(
        "aria-invalid", "true"
    )
