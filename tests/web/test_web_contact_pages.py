"""A contact's page and sales' actions without a browser, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from desk_support import REP, Desk, contact_moves, deal_moves, sales_desk
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from web_support import ADMIN, WORKSPACE, demo_workspace, signed_in_client

from embudo.analytics.deals import DealFilter, list_deals
from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.store.workspaces import open_workspace

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True, slots=True)
class Desktop:
    client: TestClient
    desk: Desk
    store: Engine

    def contact(self, email: str) -> int:
        return self.desk.contacts[email]


@pytest.fixture
def desktop(store: Engine) -> Iterator[Desktop]:
    desk = sales_desk(store, demo_workspace(store, 60))
    with signed_in_client(store) as client:
        yield Desktop(client, desk, store)


def deals_of(store: Engine, contact_id: int) -> list[dict[str, object]]:
    with store.connect() as conn:
        workspace = open_workspace(conn, WORKSPACE)
        return list_deals(conn, workspace.id, DealFilter(contact_id=contact_id))


def test_the_page_explains_the_score_and_the_moves(desktop: Desktop) -> None:
    contact = desktop.contact("mql-0@desk.example")
    html = desktop.client.get(f"/leads/{contact}").text
    assert "<h1>Mql 0</h1>" in html and "mql-0@desk.example" in html
    assert "webinar_watched" in html and 'id="transitions"' in html
    for action in ("accept", "reject", "recycle", "disqualify", "deal"):
        assert f'action="/leads/{contact}/{action}"' in html
    assert f'action="/leads/{contact}/reopen"' not in html


def test_accept_moves_the_mql_to_sal_as_made_on_the_web(desktop: Desktop) -> None:
    contact = desktop.contact("mql-0@desk.example")
    response = desktop.client.post(f"/leads/{contact}/accept", headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "Accepted: the lead is sales-accepted now." in response.text
    assert contact_moves(desktop.store, contact)[-1] == ("mql", "sal", "accept")


def test_reject_without_a_reason_shows_it_beside_the_field_and_writes_nothing(
    desktop: Desktop,
) -> None:
    contact = desktop.contact("mql-1@desk.example")
    before = contact_moves(desktop.store, contact)
    response = desktop.client.post(f"/leads/{contact}/reject", data={"reason": ""}, headers=HTMX)
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="reject-reason-error"' in response.text
    assert '<p class="field-error" id="reject-reason-error">Choose a reason.</p>' in response.text
    assert contact_moves(desktop.store, contact) == before
    desktop.client.post(f"/leads/{contact}/reject", data={"reason": "no_budget"}, headers=HTMX)
    assert contact_moves(desktop.store, contact)[-1] == ("mql", "nurture", "reject")


def test_a_bad_amount_is_shown_beside_it_with_what_was_typed(desktop: Desktop) -> None:
    contact = desktop.contact("mql-0@desk.example")
    form = {"pipeline": "new_business", "amount": "12,00x", "currency": "euro", "owner": ""}
    response = desktop.client.post(f"/leads/{contact}/deal", data=form, headers=HTMX)
    assert response.status_code == 422
    assert 'id="deal-amount-error">Write the amount as a number' in response.text
    assert 'id="deal-currency-error">Use a three-letter currency code' in response.text
    assert 'value="12,00x"' in response.text
    assert deals_of(desktop.store, contact) == []


def test_a_deal_opened_from_the_page_is_in_the_pipeline(desktop: Desktop) -> None:
    contact = desktop.contact("mql-0@desk.example")
    form = {"pipeline": "new_business", "amount": "900.5", "currency": "", "owner": REP}
    response = desktop.client.post(f"/leads/{contact}/deal", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/leads/{contact}"
    [deal] = deals_of(desktop.store, contact)
    assert (deal["amount"], deal["currency"], deal["owner"]) == (900.5, "EUR", REP)
    assert deal_moves(desktop.store, int(str(deal["id"]))) == [(None, "discovery", "web", ADMIN)]
    assert contact_moves(desktop.store, contact)[-1][1] == "opportunity"


def test_disqualify_needs_a_reason_and_a_refused_move_says_why(desktop: Desktop) -> None:
    mql = desktop.contact("mql-1@desk.example")
    empty = desktop.client.post(f"/leads/{mql}/disqualify", data={"reason": " "}, headers=HTMX)
    assert empty.status_code == 422
    assert 'id="disqualify-reason-error">Say why, in a few words.' in empty.text
    assert contact_moves(desktop.store, mql)[-1][1] == "mql"
    opportunity = desktop.contact("deal-0@desk.example")
    refused = desktop.client.post(f"/leads/{opportunity}/accept", headers=HTMX)
    assert refused.status_code == 422 and "Not done: cannot accept contact" in refused.text
    assert contact_moves(desktop.store, opportunity)[-1][1] == "opportunity"


def test_an_unknown_contact_or_action_is_a_404_page(desktop: Desktop) -> None:
    assert desktop.client.get("/leads/999999").status_code == 404
    contact = desktop.contact("mql-0@desk.example")
    assert desktop.client.post(f"/leads/{contact}/promote").status_code == 404
    assert desktop.client.get(f"/leads/{10**30}").status_code == 422


def test_an_oversized_form_is_refused_as_such(desktop: Desktop) -> None:
    contact = desktop.contact("mql-1@desk.example")
    form = {"reason": "x" * 300_000}
    response = desktop.client.post(f"/leads/{contact}/disqualify", data=form)
    assert response.status_code == 400 and "the form is over 256 KB" in response.text
    assert contact_moves(desktop.store, contact)[-1][1] == "mql"


def test_the_page_of_an_id_is_that_contacts_even_when_a_user_id_is_that_number(
    desktop: Desktop,
) -> None:
    contact = desktop.contact("mql-0@desk.example")
    clash = {
        "type": "identify",
        "messageId": "clash-1",
        "userId": str(contact),
        "traits": {"email": "clash@desk.example", "name": "Clash"},
        "timestamp": "2026-01-01T00:00:00Z",
    }
    ingest(desktop.store, WORKSPACE, [read_payload("test", clash)], now=datetime.now(UTC))
    assert "<h1>Mql 0</h1>" in desktop.client.get(f"/leads/{contact}").text
    desktop.client.post(f"/leads/{contact}/accept", headers=HTMX)
    assert contact_moves(desktop.store, contact)[-1] == ("mql", "sal", "accept")
