"""Intake keeps its workspace open between requests, never past a new funnel definition."""

from __future__ import annotations

from api_support import basic, make_key, make_workspace
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from embudo.api.app import create_app
from embudo.io.spec_file import template_text
from embudo.store.tables import score_ledger

SIGNUP = "{name: webinar_signup, event: webinar_registered, points: 10}"


def signup(user: str) -> dict[str, str]:
    return {"type": "track", "userId": user, "event": "webinar_registered", "messageId": user}


def signup_points(store: Engine) -> list[float]:
    query = select(score_ledger.c.points).where(score_ledger.c.rule == "webinar_signup")
    with store.connect() as conn:
        return list(conn.scalars(query.order_by(score_ledger.c.id)))


def test_the_next_intake_request_uses_a_definition_applied_through_the_api(
    store: Engine,
) -> None:
    make_workspace(store)
    key, admin = make_key(store), {"Authorization": f"Bearer {make_key(store)}"}
    changed = template_text("b2b-saas").replace(SIGNUP, SIGNUP.replace("10", "25"))
    assert changed != template_text("b2b-saas")
    with TestClient(create_app(engine=store)) as client:
        assert client.post(
            "/v1/batch", json={"batch": [signup("u1")]}, headers=basic(key)
        ).is_success
        applied = client.put("/api/v1/funnel", json={"yaml": changed}, headers=admin)
        assert applied.json()["applied"] is True
        assert client.post(
            "/v1/batch", json={"batch": [signup("u2")]}, headers=basic(key)
        ).is_success
        assert client.post("/v1/track", json=signup("u3"), headers=basic(key))
    assert signup_points(store) == [10.0, 25.0, 25.0]
