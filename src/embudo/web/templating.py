"""Rendering pages: one Jinja2 environment per language, Babel formats as filters.

An environment per language (not one whose translations are swapped per
request) keeps rendering thread-safe: FastAPI runs sync routes in a thread
pool. Filters read the request's `Formats` from the template context, so
`{{ deals | number }}` is `1,234` or `1.234` by the reader's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from embudo.web import i18n
from embudo.web.cells import cell_formatter
from embudo.web.formats import Formats, Number
from embudo.web.navigation import NAVIGATION
from embudo.web.state import WORKSPACE_COOKIE, View
from embudo.web.vocabulary import column_name

TEMPLATES = Path(__file__).parent / "templates"
YEAR = 365 * 24 * 3600


@cache
def environment(language: str) -> Environment:
    """The templates with `language`'s catalogue installed."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(number=_number, percent=_percent, money=_money, day=_day, moment=_moment)
    return env


def render(
    view: View, template: str, context: dict[str, Any], formats: Formats, status: int = 200
) -> HTMLResponse:
    """The page (or, for htmx, `context["partial"]` when given) as an HTML response."""
    chosen = context.get("partial") if view.partial and context.get("partial") else template
    page = environment(view.language).get_template(str(chosen))
    html = page.render(**_common(view, formats, context.get("shown")), **context)
    response = HTMLResponse(html, status_code=status)
    if status == 200:
        _remember(view, response)
    return response


def _common(view: View, formats: Formats, shown: Any) -> dict[str, Any]:
    common = {
        "view": view,
        "formats": formats,
        "navigation": NAVIGATION,
        "languages": i18n.NAMES,
        "path": view.request.url.path,
        "column_name": lambda key: column_name(view.language, key),
        "here": lambda **changes: here(view, **changes),
    }
    if shown is not None:
        common["cell"] = cell_formatter(view.language, shown.workspace.spec, formats)
    return common


def here(view: View, **changes: str) -> str:
    """This page's path and query with `changes` applied: a relative link for switches."""
    url = view.request.url.include_query_params(**changes)
    return f"{url.path}?{url.query}"


def _remember(view: View, response: HTMLResponse) -> None:
    """Keep a language or workspace chosen by query parameter for the next pages.

    Only a page that rendered fine sets them: a mistyped workspace is not remembered.
    """
    asked = view.request.query_params
    if asked.get("lang") == view.language:
        response.set_cookie(i18n.COOKIE, view.language, max_age=YEAR, samesite="lax")
    if asked.get("workspace"):
        response.set_cookie(WORKSPACE_COOKIE, view.workspace, max_age=YEAR, samesite="lax")


@pass_context
def _number(context: Context, value: Number | None, digits: int = 0) -> str:
    return _formats(context).number(value, digits)


@pass_context
def _percent(context: Context, value: Number | None) -> str:
    return _formats(context).percent(value)


@pass_context
def _money(context: Context, value: Number | None, currency: str) -> str:
    return _formats(context).money(value, currency)


@pass_context
def _day(context: Context, value: Any) -> str:
    return _formats(context).day(value)


@pass_context
def _moment(context: Context, value: Any) -> str:
    return _formats(context).moment(value)


def _formats(context: Context) -> Formats:
    found: Formats = context["formats"]
    return found
