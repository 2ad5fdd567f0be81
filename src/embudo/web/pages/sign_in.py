"""Signing in and out of the dashboard: email and password, for the workspace shown.

The form posts to itself; a wrong email or password is said once, beside
the password field, without telling which of the two was wrong, and nothing
is set. After too many wrong ones for an email or from an address
(`domain.sign_in_limit`) the form answers 429, saying how long to wait,
without checking the password. A right one adds the user to the session cookie and goes back to
the page that asked (`next`, a local path only). Signing out ends the
session in every workspace.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from embudo.domain.errors import TooManyAttempts
from embudo.engine.sign_in import sign_in as check_sign_in
from embudo.store.workspaces import open_workspace
from embudo.web import i18n, sessions
from embudo.web.access import SIGN_IN, local_path, require_same_origin, signed_in_user
from embudo.web.forms import FormDep
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute, plain_formats
from embudo.web.state import View, current_view
from embudo.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NEED_EMAIL = N_("Enter the email you were added with.")
NEED_PASSWORD = N_("Enter your password.")
WRONG = N_("That email and password do not match a user of this workspace.")


@router.get(SIGN_IN, response_class=HTMLResponse, name="sign_in")
def sign_in_page(request: Request) -> Response:
    """The form; someone already signed in to this workspace goes on to `next`."""
    view = current_view(request)
    next_path = local_path(request.query_params.get("next"))
    if signed_in_user(view) is not None:
        return RedirectResponse(next_path, status_code=303)
    return _form(view, next_path, email="", errors={})


@router.post(SIGN_IN, response_class=HTMLResponse)
def sign_in(request: Request, form: FormDep) -> Response:
    """Check the email and password; on success set the session and go to `next`."""
    require_same_origin(request)
    view = current_view(request)
    email, password = form.text("email"), form.fields.get("password", "")
    next_path = local_path(form.text("next"))
    errors = _missing(email, password)
    if errors:
        return _form(view, next_path, email=email, errors=errors, status=422)
    client = request.client.host if request.client else None
    try:
        with view.state.engine.begin() as conn:
            workspace_id = open_workspace(conn, view.workspace).id
            user = check_sign_in(conn, workspace_id, email, password, client=client, now=view.now)
    except TooManyAttempts as refused:
        return _too_many(view, next_path, email, refused.minutes)
    if user is None:
        return _form(view, next_path, email=email, errors={"password": WRONG}, status=401)
    response = RedirectResponse(next_path, status_code=303)
    sessions.sign_in(view.state.sessions, request, response, user)
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session and show the sign-in form."""
    require_same_origin(request)
    response = RedirectResponse(SIGN_IN, status_code=303)
    sessions.sign_out(request, response)
    return response


def _too_many(view: View, next_path: str, email: str, minutes: int) -> HTMLResponse:
    """The form again, saying how many minutes to wait (429 with `Retry-After`)."""
    wait = i18n.translations(view.language).ngettext(
        "Too many attempts; try again in %(num)d minute.",
        "Too many attempts; try again in %(num)d minutes.",
        minutes,
    ) % {"num": minutes}
    response = _form(view, next_path, email=email, errors={"password": wait}, status=429)
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def _missing(email: str, password: str) -> dict[str, str]:
    errors = {}
    if not email:
        errors["email"] = NEED_EMAIL
    if not password:
        errors["password"] = NEED_PASSWORD
    return errors


def _form(
    view: View, next_path: str, *, email: str, errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context = {
        "section": None,
        "shown": None,
        "next": next_path,
        "email": email,
        "errors": {"sign_in": errors},
    }
    return render(view, "sign_in.html", context, plain_formats(view), status=status)
