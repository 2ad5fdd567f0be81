"""Settings without a browser, on SQLite and PostgreSQL: validate, apply, SLA targets, API keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from web_support import demo_workspace, signed_in_client

from embudo.io.spec_file import template_text
from embudo.store.api_keys import find_key
from embudo.store.tables import spec_versions

HTMX = {"HX-Request": "true"}
TYPO = ("- event: webinar_watched", "- event: webinar_wached")


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    demo_workspace(store, 30)
    with signed_in_client(store) as opened:
        yield opened


def versions(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(spec_versions)) or 0)


def mistyped() -> tuple[str, int]:
    """The template with an unknown event in the MQL condition, and the line it is on."""
    text = template_text("b2b-saas").replace(*TYPO)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if TYPO[1] in row)
    return text, line


def test_the_page_shows_the_definition_the_sla_targets_and_no_keys(client: TestClient) -> None:
    html = client.get("/settings").text
    assert "Version 1, applied" in html and "mql_per_month: 20" in html
    assert "<dd>20</dd>" in html and "24.0 hours" in html and "<dd>25.0%</dd>" in html
    assert "No API key yet." in html


def test_validate_lists_each_problem_with_its_line_and_applies_nothing(
    client: TestClient, store: Engine
) -> None:
    text, line = mistyped()
    response = client.post("/settings/validate", data={"yaml": text}, headers=HTMX)
    assert response.status_code == 422 and "<html" not in response.text
    assert f'data-line="{line}">line {line}</a> <code>qualification.mql.all[1].event</code>' in (
        response.text
    )
    assert "unknown event &#39;webinar_wached&#39;" in response.text
    assert "webinar_wached" in response.text.split("</textarea>")[0]
    assert versions(store) == 1


def test_apply_is_refused_with_problems_and_stores_a_valid_definition(
    client: TestClient, store: Engine
) -> None:
    text, _ = mistyped()
    refused = client.post("/settings/apply", data={"yaml": text}, headers=HTMX)
    assert refused.status_code == 422 and versions(store) == 1
    fixed = text.replace(TYPO[1], TYPO[0]).replace("mql_per_month: 20", "mql_per_month: 30")
    valid = client.post("/settings/validate", data={"yaml": fixed}, headers=HTMX)
    assert "Applying it would make version 2." in valid.text and versions(store) == 1
    applied = client.post("/settings/apply", data={"yaml": fixed}, headers=HTMX)
    assert applied.status_code == 200 and "Applied as version 2." in applied.text
    assert versions(store) == 2 and "<dd>30</dd>" in applied.text


def test_a_key_is_shown_once_and_revoked_from_the_list(client: TestClient, store: Engine) -> None:
    missing = client.post("/settings/keys", data={"name": " ", "role": "read"}, headers=HTMX)
    assert missing.status_code == 422 and 'id="key-name-error"' in missing.text
    created = client.post("/settings/keys", data={"name": "website", "role": "intake"})
    [secret] = re.findall(r'<code class="secret">(emb_[^<]+)</code>', created.text)
    with store.connect() as conn:
        key = find_key(conn, secret)
    assert key is not None and key.name == "website"
    assert secret not in client.get("/settings").text
    revoked = client.post(f"/settings/keys/{key.id}/revoke", headers=HTMX)
    assert "revoked" in revoked.text
    with store.connect() as conn:
        assert find_key(conn, secret) is None
