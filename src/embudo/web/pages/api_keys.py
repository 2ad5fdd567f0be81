"""The settings page's API keys: create one (its secret shown this once), revoke one.

The same engine calls as `embudo apikey create|revoke`: only the key's
SHA-256 digest is stored, so the page that answers the creation is the only
place the secret ever appears; a reload does not show it again. Only an
admin manages keys (`Permission.CONFIGURE`).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from embudo.domain.access import Permission, Role
from embudo.engine.api_keys import MAX_NAME, create_key, revoke_key
from embudo.web.access import ViewDep, require
from embudo.web.forms import FormDep, FormRejected, RowId
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute
from embudo.web.pages.settings import Outcome, settings_response
from embudo.web.writing import writing

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NEED_NAME = N_("Name the key after what will use it, like website.")
LONG_NAME = N_("Keep the name under 200 characters.")
UNKNOWN_ROLE = N_("Choose one of the roles listed.")


@router.post("/settings/keys", response_class=HTMLResponse)
def create(view: ViewDep, form: FormDep) -> Response:
    """Issue a key for the workspace and show its secret once."""
    require(view, Permission.CONFIGURE, "create API keys")
    outcome = Outcome()
    try:
        name, role = _named(form.text("name")), _role(form.text("role"))
        with writing(view) as (conn, workspace):
            outcome.issued = create_key(conn, workspace.id, name, role, now=view.now)
    except FormRejected as rejected:
        outcome.errors = {"key": rejected.errors}
    return settings_response(view, outcome, status=422 if outcome.errors else 200)


@router.post("/settings/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke(view: ViewDep, key_id: RowId) -> Response:
    """Revoke a key: requests presenting it get 401 from now on."""
    require(view, Permission.CONFIGURE, "revoke API keys")
    with writing(view) as (conn, workspace):
        revoke_key(conn, workspace.id, key_id, now=view.now)
    return settings_response(view, Outcome())


def _named(name: str) -> str:
    if not name:
        raise FormRejected({"name": NEED_NAME})
    if len(name) > MAX_NAME:
        raise FormRejected({"name": LONG_NAME})
    return name


def _role(role: str) -> Role:
    if role not in {item.value for item in Role}:
        raise FormRejected({"role": UNKNOWN_ROLE})
    return Role(role)
