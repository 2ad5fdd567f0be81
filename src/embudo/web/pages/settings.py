"""Settings: the funnel definition (validate, apply), the SLA targets, the API keys, the users.

Validating runs exactly what applying runs (`io.spec_file.parse_spec`, then
`engine.workspaces.apply_spec` on the data) in a savepoint that is always
rolled back, as the REST API's validate does, so the two never disagree:
a definition that validates applies. Each problem is listed beside the
editor with its line (a link that selects it in the editor) and its path.
Any signed-in user may read the page and validate; only an admin applies
(`Permission.CONFIGURE`), and only an admin sees the buttons that would,
and the workspace's users (`pages/users.py` changes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from embudo.domain.access import Permission, Role, UserRole
from embudo.domain.errors import SpecError
from embudo.engine.workspaces import Applied, apply_spec
from embudo.io.spec_file import parse_spec
from embudo.store.api_keys import list_keys
from embudo.store.users import list_users
from embudo.store.workspaces import latest_version
from embudo.web.access import ViewDep, require
from embudo.web.forms import FormDep
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute
from embudo.web.reading import open_shown
from embudo.web.spec_problems import FILENAME, Located, locate
from embudo.web.state import View
from embudo.web.templating import render
from embudo.web.writing import writing

router = APIRouter(route_class=PageRoute, include_in_schema=False)
USER_ROLES = {UserRole.MEMBER.value: N_("member"), UserRole.ADMIN.value: N_("admin")}
"""The dashboard users' roles, as the users' list names them in each language."""


@dataclass(slots=True)
class Outcome:
    """What a posted settings form did, for the page to say."""

    draft: str | None = None
    """The definition as posted: kept in the editor, valid or not."""
    checked: Applied | None = None
    applied: Applied | None = None
    problems: list[Located] = field(default_factory=list)
    issued: Any = None
    """A key just created: its secret is shown this once."""
    errors: dict[str, dict[str, str]] = field(default_factory=dict)


@router.get("/settings", response_class=HTMLResponse, name="settings")
def settings(view: ViewDep) -> Response:
    """The whole page."""
    return settings_response(view, Outcome())


@router.post("/settings/validate", response_class=HTMLResponse)
def validate(view: ViewDep, form: FormDep) -> Response:
    """Check the posted definition against the rules and the data; apply nothing."""
    outcome = Outcome(draft=form.fields.get("yaml", ""))
    try:
        with writing(view) as (conn, workspace):
            savepoint = conn.begin_nested()
            try:
                outcome.checked = _apply(view, conn, workspace.name, outcome.draft or "")
            finally:
                savepoint.rollback()
    except SpecError as error:
        outcome.problems = [locate(problem) for problem in error.problems]
    return settings_response(view, outcome, status=422 if outcome.problems else 200)


@router.post("/settings/apply", response_class=HTMLResponse)
def apply(view: ViewDep, form: FormDep) -> Response:
    """Store the posted definition as the workspace's next version; refused with problems.

    A problem found after the version was written (deals left in a removed
    stage) raises out of the transaction, which rolls the version back too.
    """
    require(view, Permission.CONFIGURE, "apply the funnel definition")
    outcome = Outcome(draft=form.fields.get("yaml", ""))
    try:
        with writing(view) as (conn, workspace):
            outcome.applied = _apply(view, conn, workspace.name, outcome.draft or "")
    except SpecError as error:
        outcome.problems = [locate(problem) for problem in error.problems]
    if outcome.applied is not None and outcome.applied.changed:
        outcome.draft = None
    return settings_response(view, outcome, status=422 if outcome.problems else 200)


def _apply(view: View, conn: Connection, name: str, draft: str) -> Applied:
    loaded = parse_spec(draft, FILENAME)
    return apply_spec(conn, name, loaded.document, loaded.source, now=view.now, actor=view.actor)


def settings_response(view: View, outcome: Outcome, status: int = 200) -> HTMLResponse:
    """The settings page (for htmx, its body) after `outcome`."""
    shown = open_shown(view)
    configures = view.may(Permission.CONFIGURE)
    with view.state.engine.connect() as conn:
        version = latest_version(conn, shown.workspace.id)
        keys = list_keys(conn, shown.workspace.id)
        people = list_users(conn, shown.workspace.id) if configures else []
    context = {
        "section": "settings",
        "shown": shown,
        "outcome": outcome,
        "errors": outcome.errors,
        "version": version,
        "draft": version.source if outcome.draft is None else outcome.draft,
        "sla": shown.workspace.spec.sla,
        "keys": keys,
        "roles": [role.value for role in Role],
        "configures": configures,
        "users": people,
        "user_roles": list(USER_ROLES.items()),
        "me": None if view.user is None else view.user.id,
        "partial": "_settings_body.html",
    }
    return render(view, "settings.html", context, shown.formats, status=status)
