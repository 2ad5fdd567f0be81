"""A REST API test's world: a workspace with a rep, two leads (ana an MQL, bob a lead), keys."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from api_support import NOW, journey, make_key, make_workspace
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from embudo.domain.access import Role
from embudo.engine.users import add_user

MQL_EVENTS = ("webinar_registered", "webinar_watched")
REP = "maria@acme.example"
"""The one sales rep: the hand-off gives her every MQL."""


@dataclass(frozen=True, slots=True)
class World:
    client: TestClient
    admin: dict[str, str]
    """Authorization headers of an admin key of the workspace."""
    reader: dict[str, str]
    outsider: dict[str, str]
    """An admin key of another workspace."""
    writer: dict[str, str]
    """Basic-auth headers of an intake key: what Segment clients send."""


def populate(store: Engine, client: TestClient) -> World:
    workspace_id = make_workspace(store)
    make_workspace(store, "other")
    with store.begin() as conn:
        add_user(conn, workspace_id, REP, name="Maria", team="sales", now=NOW)
    intake = make_key(store, role=Role.INTAKE)
    batch = journey("ana", "ana@example.com", *MQL_EVENTS) + journey("bob", "bob@example.com")
    writer = {"Authorization": "Basic " + base64.b64encode(f"{intake}:".encode()).decode()}
    sent = client.post("/v1/batch", json={"batch": batch}, headers=writer)
    assert sent.status_code == 200, sent.text
    return World(
        client,
        _bearer(make_key(store)),
        _bearer(make_key(store, role=Role.READ)),
        _bearer(make_key(store, "other")),
        writer,
    )


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
