"""Sections in the navigation not built yet: a page that says so, in the reader's language.

Replace an entry by a module of its own (and drop it from `UPCOMING`).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from embudo.web.navigation import NAVIGATION
from embudo.web.page_route import PageRoute
from embudo.web.reading import open_shown
from embudo.web.state import View, ViewDep
from embudo.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
UPCOMING = ("settings",)


def _placeholder(view: View, key: str) -> HTMLResponse:
    shown = open_shown(view)
    context = {"section": key, "shown": shown}
    return render(view, "placeholder.html", context, shown.formats)


def _add(key: str) -> None:
    path = next(section.path for section in NAVIGATION if section.key == key)

    def page(view: ViewDep) -> HTMLResponse:
        return _placeholder(view, key)

    router.add_api_route(path, page, methods=["GET"], response_class=HTMLResponse, name=key)


for _key in UPCOMING:
    _add(_key)
