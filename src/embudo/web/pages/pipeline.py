"""Pipeline board: a column per stage of a pipeline, a card per open deal, moved by drag or form.

Every card holds a small form (stage, loss reason, Move) that works from the
keyboard and without JavaScript; dragging a card onto a column fills that
form and submits it (`static/board.js`). The move goes through the engine as
the CLI's and the API's do (`move_deal`, `win_deal`, `lose_deal`: history
row, playbooks, the contact's lifecycle) with source `web`, and htmx swaps
the board for the one read after the commit. Filters (pipeline, owner) are
the URL's query, so a board can be bookmarked and reloaded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from embudo.domain.deals import DealSource
from embudo.domain.errors import EmbudoError
from embudo.domain.spec import FunnelSpec, PipelineStageKind
from embudo.engine.deals import DealMoved, lose_deal, move_deal, win_deal
from embudo.web.access import ViewDep
from embudo.web.board import choose_pipeline, read_board
from embudo.web.forms import Form, FormDep, FormRejected, RowId
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute
from embudo.web.reading import open_shown
from embudo.web.state import View
from embudo.web.templating import render
from embudo.web.writing import writing

router = APIRouter(route_class=PageRoute, include_in_schema=False)
WEB = DealSource.WEB
NO_REASON = N_("Choose why the deal was lost.")
UNKNOWN_REASON = N_("Choose one of the loss reasons listed.")


@router.get("/pipeline", response_class=HTMLResponse, name="pipeline")
def board_page(view: ViewDep, pipeline: str | None = None, owner: str | None = None) -> Response:
    """The whole page, or only the board for htmx (the filters changed)."""
    return _board(view, pipeline or None, owner or None, {})


@router.post("/pipeline/deals/{deal_id}/move", response_class=HTMLResponse)
def move(view: ViewDep, form: FormDep, deal_id: RowId) -> Response:
    """Move a deal to the posted stage: an open one, or won, or lost with a reason."""
    pipeline, owner = form.optional("pipeline"), form.optional("owner")
    outcome: dict[str, Any] = {"moved": None, "refused": None, "errors": {}, "chosen": {}}
    try:
        outcome["moved"] = _move(view, deal_id, form)
    except FormRejected as rejected:
        outcome.update(errors={deal_id: rejected.errors}, chosen={deal_id: form.text("stage")})
    except EmbudoError as error:
        outcome["refused"] = str(error)
    if outcome["moved"] is not None and not view.partial:
        return RedirectResponse(board_url(pipeline, owner), status_code=303)
    return _board(view, pipeline, owner, outcome, status=200 if outcome["moved"] else 422)


def board_url(pipeline: str | None, owner: str | None) -> str:
    """The board's address with its filters."""
    query = {key: value for key, value in (("pipeline", pipeline), ("owner", owner)) if value}
    return "/pipeline" + (f"?{urlencode(query)}" if query else "")


def _board(
    view: View, pipeline: str | None, owner: str | None, outcome: dict[str, Any], status: int = 200
) -> Response:
    shown = open_shown(view)
    board = read_board(view, shown.workspace, pipeline, owner)
    context = {
        "section": "pipeline",
        "shown": shown,
        "board": board,
        "loss_reasons": shown.workspace.spec.loss_reasons,
        "move_url": lambda deal_id: f"/pipeline/deals/{deal_id}/move",
        "partial": "_board.html",
        "moved": None,
        "refused": None,
        "errors": {},
        "chosen": {},
        **outcome,
    }
    return render(view, "pipeline.html", context, shown.formats, status=status)


def _move(view: View, deal_id: int, form: Form) -> DealMoved:
    stage = form.text("stage")
    with writing(view) as (conn, workspace):
        spec = workspace.spec
        kind = stage_kind(spec, choose_pipeline(spec, form.optional("pipeline")), stage)
        if kind is PipelineStageKind.WON:
            return win_deal(
                conn, workspace, deal_id, stage=stage, actor=view.actor, source=WEB, now=view.now
            )
        if kind is PipelineStageKind.LOST:
            reason = loss_reason(spec, form.text("reason"))
            return lose_deal(
                conn,
                workspace,
                deal_id,
                reason,
                stage=stage,
                actor=view.actor,
                source=WEB,
                now=view.now,
            )
        return move_deal(
            conn, workspace, deal_id, stage, actor=view.actor, source=WEB, now=view.now
        )


def stage_kind(spec: FunnelSpec, pipeline: str, stage: str) -> PipelineStageKind:
    """The kind of `stage` in `pipeline`; open when it is not there (the engine says why not)."""
    found = next((s for s in spec.pipelines[pipeline].stages if s.key == stage), None)
    return PipelineStageKind.OPEN if found is None else found.kind


def loss_reason(spec: FunnelSpec, reason: str) -> str:
    """The chosen loss reason, or the form's error beside the reason field."""
    if not reason:
        raise FormRejected({"reason": NO_REASON})
    if reason not in {item.key for item in spec.loss_reasons}:
        raise FormRejected({"reason": UNKNOWN_REASON})
    return reason
