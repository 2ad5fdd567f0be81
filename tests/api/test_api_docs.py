"""`/docs` and `/redoc` work offline: every script, style and icon they load is served here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from embudo.api.app import create_app
from embudo.config import Settings

LOADED = re.compile(
    r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']|spec-url=["']([^"']+)["']"""
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        yield client


def _loaded(html: str) -> list[str]:
    return [next(part for part in found if part) for found in LOADED.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_docs_page_loads_everything_from_this_server(client: TestClient, page: str) -> None:
    got = client.get(page)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert "//" not in got.text.replace("http://www.w3.org", ""), "an outside address"
    urls = _loaded(got.text)
    assert "/openapi.json" in urls and any(url.endswith(".js") for url in urls)
    for url in urls:
        served = client.get(url)
        assert served.status_code == 200, url
        assert len(served.content) > 0


def test_the_scripts_are_served_as_javascript(client: TestClient) -> None:
    for name in ("swagger-ui-bundle.js", "redoc.standalone.js"):
        served = client.get(f"/api/static/vendor/{name}")
        assert served.headers["content-type"].split(";")[0] in {
            "text/javascript", "application/javascript",
        }  # fmt: skip


def test_the_docs_pages_are_not_operations_of_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path in {"/docs", "/redoc"} or "static" in path]


def test_every_paged_list_declares_its_link_header() -> None:
    """A route answering a page (`Page_…` body) says in the document that it may send the
    `Link` to the next page; no other answer claims it."""
    document = create_app(Settings(database_url="sqlite://")).openapi()
    paged, linked = set(), set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation.get("responses", {}).get("200", {})
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref", "").startswith("#/components/schemas/Page_"):
                paged.add((method, path))
            if "Link" in answer.get("headers", {}):
                linked.add((method, path))
    assert ("get", "/api/v1/contacts") in paged
    assert linked == paged
