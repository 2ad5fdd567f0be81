"""Routes that answer a library error with a page, in the reader's language, not a JSON problem.

The API answers errors as RFC 9457 problems (its handlers are app-wide); a
person in a browser asking for a workspace that does not exist should see a
page saying so, with the navigation still there. `PageRoute` catches the
`EmbudoError` family around a page's handler and renders `error.html`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.routing import APIRoute

from embudo.domain.errors import DatabaseNotReady, EmbudoError, NotFound
from embudo.web import i18n
from embudo.web.formats import Formats
from embudo.web.state import current_view
from embudo.web.templating import render

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """An `APIRoute` whose `EmbudoError`s become an error page with the right status."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except EmbudoError as error:
                return error_page(request, error)

        return handle


def error_page(request: Request, error: EmbudoError) -> Response:
    """`error.html` with the error's message and code."""
    view = current_view(request)
    formats = Formats(i18n.locale(view.language), ZoneInfo("UTC"))
    context = {"error": error, "section": None, "shown": None}
    return render(view, "error.html", context, formats, status=_status(error))


def _status(error: EmbudoError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, DatabaseNotReady):
        return 503
    return 400
