"""A contact's page: the score by rule, the moves with causes, deals, tasks, timeline, actions.

Sales' actions are forms posted with htmx (`pages/contact_actions.py`); the
answer is this page's body read again after the commit, or, when a form was
refused, the same body with each mistake beside its field and what was typed
kept (status 422, nothing written).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from embudo.domain.handoff import rejection_reasons
from embudo.web.access import ViewDep
from embudo.web.dossier import MOVES, read_dossier
from embudo.web.forms import RowId
from embudo.web.page_route import PageRoute
from embudo.web.reading import open_shown
from embudo.web.state import View
from embudo.web.templating import render
from embudo.web.vocabulary import gettext, stage_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass(slots=True)
class Outcome:
    """What a posted action did: a message when done; else its form's errors or the refusal."""

    form: str | None = None
    done: str | None = None
    refused: str | None = None
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


@router.get("/leads/{contact_id}", response_class=HTMLResponse, name="contact")
def contact(view: ViewDep, contact_id: RowId) -> HTMLResponse:
    """The whole page."""
    return contact_response(view, contact_id, Outcome())


def contact_response(
    view: View, contact_id: int, outcome: Outcome, status: int = 200
) -> HTMLResponse:
    """The page, or its body for htmx, after `outcome`."""
    shown = open_shown(view)
    spec = shown.workspace.spec
    dossier = read_dossier(view, shown.workspace, contact_id)
    context = {
        "section": "leads",
        "shown": shown,
        "dossier": dossier,
        "outcome": outcome,
        "errors": outcome.errors,
        "stage": lambda key: stage_name(view.language, spec, key),
        "move_name": lambda key: gettext(view.language, MOVES[key]) if key in MOVES else key,
        "rejection_reasons": rejection_reasons(spec),
        "pipelines": [(key, p.label or key, p.currency) for key, p in spec.pipelines.items()],
        "currency": spec.currency,
        "partial": "_contact_body.html",
    }
    return render(view, "contact.html", context, shown.formats, status=status)
