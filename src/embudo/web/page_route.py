"""Routes that answer a library error with a page, in the reader's language, not a JSON problem.

The API answers errors as RFC 9457 problems (its handlers are app-wide); a
person in a browser asking for a workspace that does not exist should see a
page saying so, with the navigation still there. `PageRoute` catches the
`EmbudoError` family around a page's handler and renders `error.html`. It
also answers a request nobody signed in for: a page is redirected to the
sign-in page (which comes back after), an htmx call gets 401 with
`HX-Redirect`, so htmx sends the whole tab there instead of swapping a part.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from embudo.domain.errors import DatabaseNotReady, EmbudoError, NotAllowed, NotFound
from embudo.web import i18n
from embudo.web.access import SignInRequired
from embudo.web.formats import Formats
from embudo.web.navigation import N_
from embudo.web.state import View, current_view
from embudo.web.templating import render

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
MISSING = N_("Something is missing")
NOT_ALLOWED = N_("Not allowed")


class PageRoute(APIRoute):
    """An `APIRoute` whose `EmbudoError`s become an error page with the right status."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as required:
                return to_sign_in(request, required.url)
            except EmbudoError as error:
                return error_page(request, error)

        return handle


def to_sign_in(request: Request, url: str) -> Response:
    """A redirect to `url`; for htmx, a 401 whose `HX-Redirect` makes the tab go there."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, error: EmbudoError) -> Response:
    """`error.html` with the error's message and code."""
    view = current_view(request)
    formats = plain_formats(view)
    title = NOT_ALLOWED if isinstance(error, NotAllowed) else MISSING
    context = {"error": error, "title": title, "section": None, "shown": None}
    return render(view, "error.html", context, formats, status=_status(error))


def plain_formats(view: View) -> Formats:
    """Formats in the reader's language for a page that shows no workspace (times in UTC)."""
    return Formats(i18n.locale(view.language), ZoneInfo("UTC"))


def _status(error: EmbudoError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, DatabaseNotReady):
        return 503
    return 400
