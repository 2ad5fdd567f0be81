"""Changing a pipeline in the funnel definition never strands a deal.

A stage can be removed when the definition says where its deals go
(`moved_stages: {old: new}`): applying it moves them, each move a
stage-history row naming the definition version. Otherwise `embudo apply`
refuses a definition that removes a pipeline or a stage still holding deals,
or changes the kind (open / won / lost) of a stage holding deals: their stage
and status would name nothing, and their history would lose its place.
`embudo check FILE --db URL` tries the same against a database without
applying anything.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, and_, insert, or_, select, update

from embudo.domain.deals import DealSource, Orphan, orphan
from embudo.domain.errors import SpecError
from embudo.domain.spec import FunnelSpec
from embudo.store.deal_visits import refresh_deal_visits
from embudo.store.tables import deal_stage_history, deals

SHOWN = 10
"""Deal ids listed per problem; the rest are counted."""


def move_mapped_deals(
    conn: Connection,
    workspace_id: int,
    spec: FunnelSpec,
    version: tuple[int, int],
    actor: str | None,
    now: datetime,
) -> int:
    """Move the deals of each removed stage to the stage `moved_stages` names; how many moved.

    `version` is the new definition's (row id, number), kept with each move.
    """
    moved = 0
    for name, pipeline in spec.pipelines.items():
        for old, new in pipeline.moved_stages.items():
            moved += _move_stage(conn, workspace_id, (name, old, new), version, actor, now)
    return moved


def _move_stage(
    conn: Connection,
    workspace_id: int,
    change: tuple[str, str, str],
    version: tuple[int, int],
    actor: str | None,
    now: datetime,
) -> int:
    pipeline, old, new = change
    where = and_(
        deals.c.workspace_id == workspace_id, deals.c.pipeline == pipeline, deals.c.stage == old
    )
    ids = list(conn.scalars(select(deals.c.id).where(where).order_by(deals.c.id)))
    if not ids:
        return 0
    reason = f"stage '{old}' removed in funnel definition version {version[1]}"
    rows = [
        _history_row(workspace_id, deal_id, old, new, version[0], actor, reason, now)
        for deal_id in ids
    ]
    conn.execute(insert(deal_stage_history), rows)
    conn.execute(update(deals).where(where).values(stage=new, stage_at=now, updated_at=now))
    refresh_deal_visits(conn, ids)
    return len(ids)


def _history_row(
    workspace_id: int,
    deal_id: int,
    old: str,
    new: str,
    spec_version_id: int,
    actor: str | None,
    reason: str,
    now: datetime,
) -> dict[str, object]:
    return {
        "workspace_id": workspace_id,
        "deal_id": deal_id,
        "from_stage": old,
        "to_stage": new,
        "occurred_at": now,
        "actor": actor or "embudo",
        "source": DealSource.SPEC.value,
        "reason": reason,
        "spec_version_id": spec_version_id,
        "recorded_at": now,
    }


def refuse_orphaned_deals(conn: Connection, workspace_id: int, spec: FunnelSpec) -> None:
    """Raise a `SpecError` naming each stranded pipeline or stage and its deals."""
    held = conn.execute(
        select(deals.c.pipeline, deals.c.stage, deals.c.status)
        .where(deals.c.workspace_id == workspace_id)
        .distinct()
        .order_by(deals.c.pipeline, deals.c.stage, deals.c.status)
    ).all()
    stranded: dict[Orphan, list[tuple[str, str, str]]] = defaultdict(list)
    for pipeline, stage, status in held:
        found = orphan(spec, pipeline, stage, status)
        if found is not None:
            stranded[found].append((pipeline, stage, status))
    if stranded:
        raise SpecError(
            [_problem(conn, workspace_id, found, places) for found, places in stranded.items()]
        )


def _problem(
    conn: Connection, workspace_id: int, found: Orphan, places: list[tuple[str, str, str]]
) -> str:
    where = or_(
        *(
            and_(deals.c.pipeline == p, deals.c.stage == s, deals.c.status == k)
            for p, s, k in places
        )
    )
    ids = list(
        conn.scalars(
            select(deals.c.id)
            .where(deals.c.workspace_id == workspace_id, where)
            .order_by(deals.c.id)
        )
    )
    listed = ", ".join(str(deal_id) for deal_id in ids[:SHOWN])
    more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return (
        f"{found.where}: {found.what} but {len(ids)} deal(s) are in it "
        f"(deals {listed}{more}) — {found.advice}"
    )
