"""Workspaces kept open between ingestions: channels and campaigns shared, never duplicated."""

from __future__ import annotations

from funnel_support import NOW, WORKSPACE, at, install, spec_document, track
from sqlalchemy import Engine, select

from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.tables import campaigns, events


def campaigned(mid: str, user: str, campaign: str) -> dict[str, object]:
    message = track(mid, "webinar_registered", at(), user=user)
    return {**message, "context": {"campaign": {"name": campaign, "source": "google"}}}


def send(store: Engine, opened: OpenedWorkspaces, message: dict[str, object]) -> None:
    ingest(store, WORKSPACE, [read_payload("test", message)], now=NOW, opened=opened)


def test_a_campaign_another_process_created_is_found_not_created_again(store: Engine) -> None:
    install(store)
    first, second = OpenedWorkspaces(), OpenedWorkspaces()
    send(store, first, campaigned("m0", "u0", "autumn"))
    send(store, second, campaigned("m1", "u1", "autumn"))
    send(store, first, campaigned("m2", "u2", "spring"))
    send(store, second, campaigned("m3", "u3", "spring"))
    send(store, first, campaigned("m4", "u4", "spring"))
    with store.connect() as conn:
        made = dict(conn.execute(select(campaigns.c.name, campaigns.c.id)).all())
        used = list(conn.scalars(select(events.c.campaign_id).order_by(events.c.message_id)))
    assert sorted(made) == ["autumn", "spring"]
    assert used == [made["autumn"]] * 2 + [made["spring"]] * 3


def test_the_workspace_is_opened_again_once_a_new_definition_is_in_force(store: Engine) -> None:
    opened = OpenedWorkspaces()
    installed = install(store)
    with store.connect() as conn:
        kept = opened.open(conn, WORKSPACE)
        assert kept.workspace.spec_version_id == installed.spec_version_id
        assert opened.open(conn, WORKSPACE) is kept
    changed = install(store, spec_document(name="renamed funnel"))
    with store.connect() as conn:
        reopened = opened.open(conn, WORKSPACE).workspace
    assert reopened.spec_version_id == changed.spec_version_id != installed.spec_version_id
    assert reopened.spec.name == "renamed funnel"
