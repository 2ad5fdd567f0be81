"""Changing a pipeline in the funnel definition never strands a deal.

`embudo apply` refuses a definition that removes a pipeline or a stage still
holding deals, or changes the kind (open / won / lost) of a stage holding
deals: their stage and status would name nothing, and their history would
lose its place. `embudo check FILE` cannot see the database, so this is
enforced when the definition is applied.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, and_, or_, select

from embudo.domain.deals import Orphan, orphan
from embudo.domain.errors import SpecError
from embudo.domain.spec import FunnelSpec
from embudo.store.tables import deals

SHOWN = 10
"""Deal ids listed per problem; the rest are counted."""


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
