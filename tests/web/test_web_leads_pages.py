"""The leads table without a browser, on SQLite and PostgreSQL: search, sort, pages, htmx."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from desk_support import Desk, sales_desk
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from web_support import demo_workspace, signed_in_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def desk(store: Engine) -> Desk:
    return sales_desk(store, demo_workspace(store, 60))


@pytest.fixture
def client(store: Engine, desk: Desk) -> Iterator[TestClient]:
    with signed_in_client(store) as opened:
        yield opened


def linked(html: str) -> list[int]:
    """The contact ids the table links to, in order."""
    return [int(found) for found in re.findall(r'<a href="/leads/(\d+)">', html)]


def test_search_finds_by_name_or_email_any_case(client: TestClient, desk: Desk) -> None:
    by_name = client.get("/leads", params={"q": "MQL 1"}).text
    assert linked(by_name) == [desk.contacts["mql-1@desk.example"]]
    by_email = client.get("/leads", params={"q": "@DESK.example"}).text
    assert sorted(linked(by_email)) == sorted(desk.contacts.values())
    assert "No contact matches." in client.get("/leads", params={"q": "100%_"}).text


def test_the_stage_filter_and_the_table_alone_for_htmx(client: TestClient, desk: Desk) -> None:
    response = client.get("/leads", params={"stage": "mql", "q": "desk"}, headers=HTMX)
    assert "<html" not in response.text and "<table" in response.text
    mqls = {desk.contacts[email] for email in desk.mqls}
    assert set(linked(response.text)) == mqls


def test_a_header_sorts_and_a_second_click_reverses(client: TestClient) -> None:
    html = client.get("/leads", params={"sort": "email", "q": "desk"}).text
    assert '<th scope="col" aria-sort="ascending"><a href="/leads?q=desk&amp;sort=-email' in html
    emails = re.findall(r'<span class="muted">([^<]+@[^<]+)</span>', html)
    assert emails == sorted(emails) and len(emails) == 5
    reverse = client.get("/leads", params={"sort": "-email", "q": "desk"}).text
    assert 'aria-sort="descending"' in reverse
    assert re.findall(r'<span class="muted">([^<]+@[^<]+)</span>', reverse) == emails[::-1]


def test_pages_follow_one_another_without_repeating_a_row(client: TestClient) -> None:
    first = client.get("/leads", params={"sort": "email"}).text
    assert "offset=25" in first and "Previous" not in first
    second = client.get("/leads", params={"sort": "email", "offset": 25}).text
    assert "Previous" in second
    assert not set(linked(first)) & set(linked(second))


def test_nonsense_in_the_query_falls_back_instead_of_failing(client: TestClient) -> None:
    response = client.get("/leads", params={"sort": "password", "stage": "x", "offset": -5})
    assert response.status_code == 200 and 'aria-sort="descending"' in response.text
    far = client.get("/leads", params={"offset": 10**15})
    assert far.status_code == 200 and "No contact matches." in far.text
