"""Who may open the dashboard: a signed-in user of the workspace shown, on a same-site request.

Every page and htmx endpoint takes a `ViewDep`, built here: the request's
view with its signed-in user, or `SignInRequired` (which `PageRoute` answers
with a redirect to `/sign-in`, or a 401 with `HX-Redirect` for htmx). A form
post must also come from the dashboard's own pages: the session cookie is
SameSite=Lax, and the request's `Origin` (or, lacking it, `Referer`) must be
this site — a forged cross-site form is refused before anything is read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request

from embudo.domain.access import Permission
from embudo.domain.errors import NotAllowed
from embudo.store.users import User, user_by_id
from embudo.store.workspaces import open_workspace
from embudo.web import sessions
from embudo.web.state import View, current_view

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN = "/sign-in"


class SignInRequired(Exception):
    """No one is signed in to the workspace asked for: `url` is the sign-in page to go to."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def signed_in_view(request: Request) -> View:
    """The request's view with its signed-in user; refused when cross-site or signed out."""
    if request.method not in SAFE_METHODS:
        require_same_origin(request)
    view = current_view(request)
    user = signed_in_user(view)
    if user is None:
        raise SignInRequired(sign_in_url(view, _came_from(request)))
    return replace(view, user=user)


ViewDep = Annotated[View, Depends(signed_in_view)]


def signed_in_user(view: View) -> User | None:
    """The active user the session names for the view's workspace, with an unchanged password."""
    signed = sessions.read(view.state.sessions, view.request)
    entry = signed.get(view.workspace)
    with view.state.engine.connect() as conn:
        if entry is None:
            if signed:
                open_workspace(conn, view.workspace)  # signed in elsewhere: an unknown one is a 404
            return None
        user = user_by_id(conn, entry[0])
    if user is None or user.workspace != view.workspace or user.stamp != entry[1]:
        return None
    return user


def require(view: View, needed: Permission, doing: str) -> None:
    """Refuse `doing` unless the signed-in user's role grants `needed`."""
    if not view.may(needed):
        raise NotAllowed(
            f"only an admin of workspace '{view.workspace}' may {doing} — ask one to do it, "
            "or to make you an admin"
        )


def require_same_origin(request: Request) -> None:
    """Refuse a form posted from another site (its `Origin` or `Referer` is not this one)."""
    claimed = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(claimed)
    if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc):
        raise NotAllowed(
            "this form was not sent from the dashboard's own pages — "
            "open the page and send it again"
        )


def sign_in_url(view: View, next_path: str) -> str:
    """The sign-in page for the view's workspace, coming back to `next_path` after."""
    query = {"next": next_path}
    if view.workspace != view.state.workspace:
        query = {"workspace": view.workspace, **query}
    return f"{SIGN_IN}?{urlencode(query)}"


def _came_from(request: Request) -> str:
    """Where to come back to: the page itself, or the page a form or htmx call was sent from."""
    if request.headers.get("HX-Request") == "true":
        return _path_of(request.headers.get("HX-Current-URL", ""))
    if request.method not in SAFE_METHODS:
        return _path_of(request.headers.get("referer", ""))
    return _path_of(str(request.url))


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return local_path(f"{parts.path}?{parts.query}" if parts.query else parts.path)


def local_path(asked: str | None) -> str:
    """`asked` when it is a path on this site, else `/`: never a redirect to another site.

    Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would be
    `//evil.example`: control characters and backslashes are refused too.
    """
    if not asked or not asked.startswith("/") or asked.startswith("//"):
        return "/"
    if "\\" in asked or any(ord(char) < 32 or ord(char) == 127 for char in asked):
        return "/"
    parts = urlsplit(asked)
    return asked if not parts.scheme and not parts.netloc else "/"
