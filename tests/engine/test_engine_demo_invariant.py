"""The demo's year, marketing and sales, run through the engine: the caches say what the
history says, for contacts and for deals."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from deal_support import deal_violations
from invariants import history_violations
from sqlalchemy import Engine, func, select

from embudo.demo.run import DemoPlan, DemoSummary, run_demo
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import TEMPLATES, parse_spec, template_text
from embudo.store.tables import (
    campaign_costs,
    campaigns,
    channels,
    contacts,
    deals,
    lifecycle_transitions,
    users,
)
from embudo.store.workspaces import open_workspace

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 15, tzinfo=UTC)


def _demo(store: Engine, template: str, contacts_wanted: int, seed: int = 11) -> int:
    _play(store, template, contacts_wanted, seed)
    with store.connect() as conn:
        return open_workspace(conn, "default").id


def _play(store: Engine, template: str, contacts_wanted: int, seed: int) -> DemoSummary:
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with store.begin() as conn:
        apply_spec(conn, "default", loaded.document, loaded.source, now=NOW)
    plan = DemoPlan(contacts_wanted, seed=seed, start=START)
    summary = run_demo(store, "default", loaded.spec, plan, now=NOW)
    assert summary.ingested.rejected == 0
    return summary


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_full_cycle_keeps_every_cache_explained(store: Engine, template: str) -> None:
    """Seed 1 with 800 visitors gives every template open, won and lost deals."""
    workspace_id = _demo(store, template, 800, seed=1)
    assert history_violations(store, workspace_id) == []
    assert deal_violations(store) == []
    with store.connect() as conn:
        statuses = set(conn.scalars(select(deals.c.status).distinct()))
    assert statuses == {"open", "won", "lost"}


def test_the_demo_hands_mqls_to_its_reps_and_records_breaches(store: Engine) -> None:
    summary = _play(store, "b2b-saas", 800, seed=1)
    assert 3 <= summary.reps <= 5 and not summary.replayed
    for kind in ("accept", "reject", "call", "deal_opened", "deal_won", "deal_lost"):
        assert summary.applied[kind] > 0, kind
    assert summary.breaches > 0
    with store.connect() as conn:
        owned = conn.scalar(select(func.count()).where(deals.c.owner_id.is_not(None)))
        reps = conn.scalar(select(func.count()).select_from(users))
    assert owned and reps == summary.reps
    with store.connect() as conn:
        charged = conn.execute(
            select(channels.c.key, campaign_costs.c.amount)
            .join(campaigns, campaign_costs.c.campaign_id == campaigns.c.id)
            .join(channels, campaigns.c.channel_id == channels.c.id)
        ).all()
    assert len(charged) == summary.costs > 0
    assert all(key.startswith("paid") and amount > 0 for key, amount in charged)


def test_playing_the_same_seed_again_applies_no_sales_move_twice(store: Engine) -> None:
    _play(store, "clinic", 300, seed=1)
    with store.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(deals))
    again = _play(store, "clinic", 300, seed=1)
    assert again.replayed and again.moves == 0 and again.reps == 0
    assert again.ingested.accepted == 0 and again.ingested.duplicates > 0
    with store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(deals)) == before


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
