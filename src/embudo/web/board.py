"""The pipeline board as the page draws it: a column per stage, a card per open deal.

Columns follow the pipeline's stages in the funnel definition's order, the
won and lost ones last as the definition puts them. A card knows how long
its deal has waited in its stage (whole days) and whether it rotted: past
the stage's `rotting_days` (`domain.deals.rots_at`, the rule the rot check
and the overview's alerts use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from embudo.analytics.board import BoardQuery, StageSum, board_cards, board_totals
from embudo.domain.deals import rots_at
from embudo.domain.errors import NotFound
from embudo.domain.spec import FunnelSpec, Pipeline
from embudo.store.users import list_users
from embudo.store.workspaces import Workspace
from embudo.web.names import contact_name
from embudo.web.state import View

CLOSED_DAYS = 30
"""The won and lost columns count what was closed in the last 30 days."""


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    name: str
    contact: str
    contact_id: int
    amount: Decimal
    currency: str
    owner: str | None
    days: int
    rotting: bool


@dataclass(slots=True)
class Column:
    key: str
    label: str
    kind: str
    rotting_days: int | None
    count: int = 0
    values: list[tuple[str, Decimal]] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Board:
    pipeline: str
    pipelines: list[tuple[str, str]]
    owner: str | None
    owners: list[str]
    columns: list[Column]
    stages: list[tuple[str, str, str]]
    """(key, label, kind) of every stage: what a card's move form offers."""


def read_board(view: View, workspace: Workspace, pipeline: str | None, owner: str | None) -> Board:
    """The board of `pipeline` (the first one when not given), for `owner` or everyone."""
    spec = workspace.spec
    key = choose_pipeline(spec, pipeline)
    wanted = BoardQuery(key, owner, view.now - timedelta(days=CLOSED_DAYS))
    with view.state.engine.connect() as conn:
        cards = board_cards(conn, workspace.id, wanted)
        totals = board_totals(conn, workspace.id, wanted)
        owners = [user["email"] for user in list_users(conn, workspace.id) if user["active"]]
    columns = _columns(spec.pipelines[key], totals)
    _deal_cards(columns, spec, key, cards, view.now)
    stages = [(column.key, column.label, column.kind) for column in columns]
    return Board(key, _pipelines(spec), owner, owners, columns, stages)


def choose_pipeline(spec: FunnelSpec, asked: str | None) -> str:
    """The pipeline asked for, else the first; a clear error when there is none."""
    if not spec.pipelines:
        raise NotFound("this workspace has no pipeline — add one under pipelines in embudo.yaml")
    if asked is None:
        return next(iter(spec.pipelines))
    if asked not in spec.pipelines:
        raise NotFound(f"no pipeline '{asked}' (pipelines: {', '.join(spec.pipelines)})")
    return asked


def _pipelines(spec: FunnelSpec) -> list[tuple[str, str]]:
    return [(key, pipeline.label or key) for key, pipeline in spec.pipelines.items()]


def _columns(pipeline: Pipeline, totals: list[StageSum]) -> list[Column]:
    columns = {
        stage.key: Column(stage.key, stage.label or stage.key, stage.kind.value, stage.rotting_days)
        for stage in pipeline.stages
    }
    for total in totals:
        column = columns.get(total.stage)
        if column is not None:
            column.count += total.deals
            column.values.append((total.currency, total.value))
    for column in columns.values():
        column.values = column.values or [(pipeline.currency, Decimal(0))]
    return list(columns.values())


def _deal_cards(
    columns: list[Column],
    spec: FunnelSpec,
    pipeline: str,
    rows: list[dict[str, Any]],
    now: datetime,
) -> None:
    by_stage = {column.key: column for column in columns}
    for row in rows:
        column = by_stage.get(row["stage"])
        if column is not None:
            column.cards.append(_card(spec, pipeline, row, now))


def _card(spec: FunnelSpec, pipeline: str, row: dict[str, Any], now: datetime) -> Card:
    contact = contact_name(row["contact_traits"], row["contact_email"], row["contact_id"])
    rots = rots_at(spec, pipeline, row["stage"], row["stage_at"])
    return Card(
        id=row["id"],
        name=row["title"] or contact,
        contact=contact,
        contact_id=row["contact_id"],
        amount=row["amount"],
        currency=row["currency"],
        owner=row["owner"],
        days=max((now - row["stage_at"]).days, 0),
        rotting=rots is not None and rots <= now,
    )
