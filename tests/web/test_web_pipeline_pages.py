"""The pipeline board without a browser, on SQLite and PostgreSQL: columns, moves, errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from desk_support import REP, Desk, deal_moves, sales_desk
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from web_support import ADMIN, demo_workspace, signed_in_client

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True, slots=True)
class Board:
    client: TestClient
    desk: Desk
    store: Engine


@pytest.fixture
def board(store: Engine) -> Iterator[Board]:
    """A small demo year, a sales desk whose three deals opened 20 days ago, a client on them."""
    now = demo_workspace(store, 60)
    desk = sales_desk(store, now, days_ago=20)
    with signed_in_client(store) as client:
        yield Board(client, desk, store)


def test_board_has_a_column_per_stage_with_counts_and_cards(board: Board) -> None:
    html = board.client.get("/pipeline").text
    for label in ("Discovery call", "Demo", "Proposal sent", "Negotiation", "Closed won"):
        assert f">{label}</h2>" in html
    assert "3 deals" in html and "€3,751.50" in html
    for deal in board.desk.deals:
        assert f'id="deal-{deal}"' in html
    assert 'aria-current="page">Pipeline' in html


def test_counts_and_money_are_in_the_readers_language(board: Board) -> None:
    html = board.client.get("/pipeline", params={"lang": "es"}).text
    assert "3 oportunidades" in html and "3.751,50\xa0€" in html
    assert ">Mover a</label>" in html and "20 días en la etapa" in html


def test_deals_past_their_stages_rotting_days_are_marked(board: Board) -> None:
    html = board.client.get("/pipeline").text
    card = html.split(f'id="deal-{board.desk.deals[0]}"')[1].split("</li>")[0]
    assert "20 days in stage" in card and "rita@desk.example" in card
    assert "Rotting: more than 14 days in this stage" in card
    assert 'class="deal-card rotting"' in html


def test_owner_filter_keeps_only_the_owners_deals(board: Board) -> None:
    mine = board.client.get("/pipeline", params={"owner": REP}, headers=HTMX).text
    assert "<html" not in mine and f'id="deal-{board.desk.deals[0]}"' in mine
    nobody = board.client.get("/pipeline", params={"owner": "nobody@desk.example"}).text
    assert f'id="deal-{board.desk.deals[0]}"' not in nobody


def test_a_move_is_recorded_with_source_web_and_the_board_comes_back(board: Board) -> None:
    deal = board.desk.deals[0]
    form = {"stage": "demo", "pipeline": "new_business", "owner": ""}
    response = board.client.post(f"/pipeline/deals/{deal}/move", data=form, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text and f"Deal {deal} moved to Demo." in response.text
    assert deal_moves(board.store, deal)[-1] == ("discovery", "demo", "web", ADMIN)


def test_without_htmx_a_move_redirects_to_the_filtered_board(board: Board) -> None:
    deal = board.desk.deals[0]
    form = {"stage": "won", "pipeline": "new_business", "owner": REP}
    response = board.client.post(f"/pipeline/deals/{deal}/move", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert (
        response.headers["location"] == "/pipeline?pipeline=new_business&owner=rita%40desk.example"
    )
    assert deal_moves(board.store, deal)[-1][1:] == ("won", "web", ADMIN)


def test_lost_without_a_reason_asks_for_it_beside_the_field_and_writes_nothing(
    board: Board,
) -> None:
    deal = board.desk.deals[1]
    before = deal_moves(board.store, deal)
    form = {"stage": "lost", "pipeline": "new_business", "reason": ""}
    response = board.client.post(f"/pipeline/deals/{deal}/move", data=form, headers=HTMX)
    assert response.status_code == 422
    assert f'id="reason-{deal}-error">Choose why the deal was lost.</p>' in response.text
    assert deal_moves(board.store, deal) == before
    form["reason"] = "price"
    board.client.post(f"/pipeline/deals/{deal}/move", data=form, headers=HTMX)
    assert deal_moves(board.store, deal)[-1][1:] == ("lost", "web", ADMIN)


def test_a_refused_move_says_why_and_writes_nothing(board: Board) -> None:
    deal = board.desk.deals[2]
    form = {"stage": "enrolled", "pipeline": "new_business"}
    response = board.client.post(f"/pipeline/deals/{deal}/move", data=form, headers=HTMX)
    assert response.status_code == 422
    assert "The move was refused" in response.text and "not in pipeline" in response.text
    assert len(deal_moves(board.store, deal)) == 1


def test_an_unknown_pipeline_is_a_404_page(board: Board) -> None:
    response = board.client.get("/pipeline", params={"pipeline": "nope"})
    assert response.status_code == 404 and "no pipeline &#39;nope&#39;" in response.text
