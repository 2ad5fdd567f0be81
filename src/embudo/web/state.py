"""What the pages share for the life of the app, and what each request brings (`View`).

`WebState` is built once by `install` (the engine, the store's URL for the
report backend, the workspace to show by default, the overview's report
cache, the clock, the session cookie's keys); `View` is one request's
choices: language, workspace, the moment it is, and who signed in. Pages take
a `ViewDep` (`web.access`), which is only ever a signed-in view, and nothing
global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import Engine

from embudo.domain.access import Permission, user_allows
from embudo.domain.errors import NotAllowed
from embudo.store.users import User
from embudo.web import i18n
from embudo.web.report_cache import ReportCache
from embudo.web.sessions import SessionKeys

WORKSPACE_COOKIE = "embudo_workspace"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class WebState:
    """The dashboard's settings, fixed when the app is built, and its cache of report results."""

    engine: Engine
    store_url: str
    workspace: str
    reports: ReportCache
    sessions: SessionKeys
    clock: Clock = utc_now


@dataclass(frozen=True, slots=True)
class View:
    """One request as the pages see it."""

    request: Request
    state: WebState
    language: str
    workspace: str
    now: datetime
    user: User | None = None

    @property
    def actor(self) -> str:
        """Who history records for what this request does: the signed-in user's email."""
        if self.user is None:
            raise NotAllowed("sign in to change anything")
        return self.user.email

    def may(self, needed: Permission) -> bool:
        """Whether the signed-in user's role grants `needed`."""
        return self.user is not None and user_allows(self.user.role, needed)

    @property
    def partial(self) -> bool:
        """True when htmx asked for a fragment (it sends `HX-Request`), not a whole page."""
        return self.request.headers.get("HX-Request") == "true"


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def current_view(request: Request) -> View:
    """The request's language (`?lang=`, cookie, browser) and workspace (`?workspace=`, cookie)."""
    state = web_state(request)
    language = i18n.choose_language(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("Accept-Language"),
    )
    workspace = (
        request.query_params.get("workspace")
        or request.cookies.get(WORKSPACE_COOKIE)
        or state.workspace
    )
    return View(request, state, language, workspace, state.clock())
