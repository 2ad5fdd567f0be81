"""Leads: the contact directory as a table to search, sort and page through.

The rows are `analytics.directory`'s (the REST API's contacts list reads the
same ones). Search, the stage filter, a header's sort and the page links all
change the URL's query; htmx swaps only the table (`_leads_table.html`), and
the same URL without htmx renders the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from embudo.analytics.directory import SORTS, ContactQuery, contact_page
from embudo.domain.spec import FunnelSpec
from embudo.web.access import ViewDep
from embudo.web.names import contact_name
from embudo.web.page_route import PageRoute
from embudo.web.reading import open_shown
from embudo.web.state import View
from embudo.web.templating import render
from embudo.web.vocabulary import stage_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE = 25
DEFAULT_SORT = "-score"
MAX_OFFSET = 10**9
SORTABLE = {"email": "email", "score": "-score", "last_seen_at": "-last_seen_at"}
"""Headers that sort, and the direction a first click sorts them in."""


@dataclass(frozen=True, slots=True)
class Wanted:
    """The table's query as the URL gives it, each part checked."""

    search: str
    stage: str | None
    sort: str
    offset: int


@router.get("/leads", response_class=HTMLResponse, name="leads")
def leads(
    view: ViewDep,
    q: str = "",
    stage: str = "",
    sort: str = DEFAULT_SORT,
    offset: int = 0,
) -> HTMLResponse:
    """The whole page, or the table for htmx."""
    shown = open_shown(view)
    spec = shown.workspace.spec
    wanted = _wanted(spec, q, stage, sort, offset)
    with view.state.engine.connect() as conn:
        found = contact_page(conn, shown.workspace.id, _query(wanted))
    context = {
        "section": "leads",
        "shown": shown,
        "wanted": wanted,
        "rows": [_row(view, spec, row) for row in found.rows],
        "more": found.more,
        "page_size": PAGE,
        "stages": [(s.key, stage_name(view.language, spec, s.key)) for s in spec.lifecycle.stages],
        "sorts": {key: sorting(wanted.sort, key) for key in SORTABLE},
        "partial": "_leads_table.html",
    }
    return render(view, "leads.html", context, shown.formats)


def _wanted(spec: FunnelSpec, search: str, stage: str, sort: str, offset: int) -> Wanted:
    """What to show; an unknown stage or sort falls back to all stages, by score."""
    stages = {s.key for s in spec.lifecycle.stages}
    known = sort.removeprefix("-") in SORTS
    return Wanted(
        search.strip()[:200],
        stage if stage in stages else None,
        sort if known else DEFAULT_SORT,
        min(max(offset, 0), MAX_OFFSET),
    )


def _query(wanted: Wanted) -> ContactQuery:
    return ContactQuery(
        wanted.stage,
        sort=wanted.sort,
        limit=PAGE,
        offset=wanted.offset,
        search=wanted.search or None,
    )


@dataclass(frozen=True, slots=True)
class Sorting:
    """A sortable header: the sort its link asks for, and `aria-sort` when it is the one in use."""

    next: str
    aria: str | None


def sorting(current: str, key: str) -> Sorting:
    """Clicking the header of the sort in use reverses it; another header sorts its own way."""
    if current.removeprefix("-") != key:
        return Sorting(SORTABLE[key], None)
    descending = current.startswith("-")
    return Sorting(key if descending else f"-{key}", "descending" if descending else "ascending")


def _row(view: View, spec: FunnelSpec, row: dict[str, Any]) -> dict[str, Any]:
    channels = {channel.key: channel.label or channel.key for channel in spec.channels}
    return {
        **row,
        "name": contact_name(row["traits"], row["email"], row["id"]),
        "stage_name": stage_name(view.language, spec, row["stage"]),
        "channel_name": channels.get(row["channel"] or "", row["channel"]),
    }
