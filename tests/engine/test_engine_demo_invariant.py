"""The demo's year, run through the engine: the caches say what the history says."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from invariants import history_violations
from sqlalchemy import Engine, func, select

from embudo.demo.run import DemoPlan, run_demo
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import TEMPLATES, parse_spec, template_text
from embudo.store.tables import contacts, lifecycle_transitions
from embudo.store.workspaces import open_workspace

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 15, tzinfo=UTC)


def _demo(store: Engine, template: str, contacts_wanted: int) -> int:
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with store.begin() as conn:
        apply_spec(conn, "default", loaded.document, loaded.source, now=NOW)
    summary = run_demo(
        store, "default", loaded.spec, DemoPlan(contacts_wanted, seed=11, start=START), now=NOW
    )
    assert summary.ingested.rejected == 0
    with store.connect() as conn:
        return open_workspace(conn, "default").id


@pytest.mark.parametrize("template", TEMPLATES)
def test_demo_history_explains_every_cache(store: Engine, template: str) -> None:
    workspace_id = _demo(store, template, 250)
    assert history_violations(store, workspace_id) == []


def test_demo_goes_forward_back_and_out(store: Engine) -> None:
    workspace_id = _demo(store, "b2b-saas", 400)
    with store.connect() as conn:
        moves: Counter[str] = Counter(
            dict(
                conn.execute(
                    select(lifecycle_transitions.c.move, func.count())
                    .where(lifecycle_transitions.c.workspace_id == workspace_id)
                    .group_by(lifecycle_transitions.c.move)
                ).all()
            )
        )
        reached = set(conn.scalars(select(lifecycle_transitions.c.to_stage).distinct()))
        live = conn.scalar(select(func.count()).where(contacts.c.merged_into_id.is_(None)))
    assert moves["enter"] == live
    assert moves["recycle"] > 0 and moves["disqualify"] > 0
    assert {"visitor", "lead", "mql", "sql", "nurture", "disqualified"} <= reached
