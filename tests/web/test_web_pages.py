"""The dashboard's routes without a browser, on SQLite and PostgreSQL: pages, language, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from page_support import embedded_charts
from sqlalchemy import Engine
from web_support import demo_workspace, signed_in_client

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    """A small demo year in the test's store, and a client of the dashboard on it."""
    demo_workspace(store, 150)
    with signed_in_client(store) as opened:
        yield opened


def test_overview_shows_the_funnel_and_the_health_metrics(client: TestClient) -> None:
    response = client.get("/", params={"period": "all"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="en">' in html and "Pipeline health" in html
    funnel = embedded_charts(html)[0]["series"]
    assert isinstance(funnel, list) and funnel[0]["type"] == "funnel"
    assert funnel[0]["data"][0]["value"] > 0
    for label in (
        "Deals in the pipeline",
        "Average deal size",
        "Win rate",
        "Average days to close",
    ):
        assert label in html
    sla = html.split('id="sla-title"')[1].split("</section>")[0]
    assert 'data-slot="sla"' not in sla and '<table class="data">' in sla, "the sla report's table"


def test_browser_language_and_the_switch_are_kept_in_a_cookie(client: TestClient) -> None:
    assert "<h1>Resumen</h1>" in client.get("/", headers=SPANISH).text
    italian = client.get("/", params={"lang": "it"}, headers=SPANISH)
    assert "<h1>Panoramica</h1>" in italian.text
    assert italian.cookies.get("embudo_lang") == "it"
    assert "<h1>Panoramica</h1>" in client.get("/", headers=SPANISH).text


def test_htmx_gets_only_the_overview_body(client: TestClient) -> None:
    response = client.get("/", params={"period": "30d"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="health-title"' in response.text


def test_a_period_nobody_knows_falls_back_to_this_quarter(client: TestClient) -> None:
    response = client.get("/", params={"period": "decade"})
    assert response.status_code == 200
    assert '<option value="quarter" selected>' in response.text


def test_an_unknown_workspace_is_a_page_in_the_readers_language(client: TestClient) -> None:
    response = client.get("/", params={"workspace": "nope"}, headers=SPANISH)
    assert response.status_code == 404
    assert "<h1>Falta algo</h1>" in response.text and "no workspace &#39;nope&#39;" in response.text
    assert "embudo_workspace" not in response.cookies


@pytest.mark.parametrize("path", ["/pipeline", "/leads", "/settings"])
def test_sales_sections_are_pages_of_the_navigation(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert f'<a href="{path}" aria-current="page">' in response.text


def test_vendored_scripts_are_served(client: TestClient) -> None:
    for name in ("htmx.min.js", "echarts.min.js"):
        response = client.get(f"/static/vendor/{name}")
        assert response.status_code == 200 and len(response.content) > 10_000
