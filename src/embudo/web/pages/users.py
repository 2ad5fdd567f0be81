"""The settings page's users: deactivate or activate one, make one a member or an admin.

The same engine calls as `embudo user deactivate|activate|role`, so a change
holds from the user's next request exactly as it does from the command line.
Only an admin sees the list and changes it (`Permission.CONFIGURE`); a member's
forged post is refused with 403. Two changes are refused in place, because
they would lock people out of the dashboard's settings: an admin deactivating
themselves, and any change that leaves no active admin (`engine.users.keep_an_admin`).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from embudo.domain.access import Permission, UserRole
from embudo.engine.users import LastAdmin, keep_an_admin, set_active, set_role
from embudo.web.access import ViewDep, require
from embudo.web.forms import Form, FormDep, FormRejected, RowId
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute
from embudo.web.pages.settings import Outcome, settings_response
from embudo.web.state import View
from embudo.web.writing import writing

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NOT_YOURSELF = N_("You cannot deactivate yourself: ask another admin to do it.")
LAST_ADMIN = N_("This is the only active admin: make another user an admin first.")
UNKNOWN_ROLE = N_("Choose one of the roles listed.")
UNKNOWN_STATE = N_("Choose to activate or to deactivate the user.")
STATES = {"true": True, "false": False}


@router.post("/settings/users/{user_id}/active", response_class=HTMLResponse)
def activity(view: ViewDep, user_id: RowId, form: FormDep) -> Response:
    """Activate a user, or deactivate one: they can no longer sign in, nor be given leads."""
    require(view, Permission.CONFIGURE, "activate or deactivate users")
    return _changed(view, user_id, "active", lambda: _set_active(view, user_id, form))


@router.post("/settings/users/{user_id}/role", response_class=HTMLResponse)
def role(view: ViewDep, user_id: RowId, form: FormDep) -> Response:
    """Make a user a member or an admin."""
    require(view, Permission.CONFIGURE, "change users' roles")
    return _changed(view, user_id, "role", lambda: _set_role(view, user_id, form))


def _changed(view: View, user_id: int, field: str, change: Callable[[], None]) -> Response:
    """The settings page after `change`, or with its refusal beside the user's `field`."""
    outcome = Outcome()
    try:
        change()
    except FormRejected as rejected:
        outcome.errors = {f"user-{user_id}": rejected.errors}
    except LastAdmin:
        outcome.errors = {f"user-{user_id}": {field: LAST_ADMIN}}
    return settings_response(view, outcome, status=422 if outcome.errors else 200)


def _set_active(view: View, user_id: int, form: Form) -> None:
    active = STATES.get(form.text("active"))
    if active is None:
        raise FormRejected({"active": UNKNOWN_STATE})
    if not active and view.user is not None and view.user.id == user_id:
        raise FormRejected({"active": NOT_YOURSELF})
    with writing(view) as (conn, workspace):
        if not active:
            keep_an_admin(conn, workspace.id, user_id)
        set_active(conn, workspace.id, user_id, active=active)


def _set_role(view: View, user_id: int, form: Form) -> None:
    wanted = form.text("role")
    if wanted not in {item.value for item in UserRole}:
        raise FormRejected({"role": UNKNOWN_ROLE})
    with writing(view) as (conn, workspace):
        if wanted != UserRole.ADMIN.value:
            keep_an_admin(conn, workspace.id, user_id)
        set_role(conn, workspace.id, user_id, wanted)
