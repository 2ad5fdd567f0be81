"""The overview through the report cache, on SQLite and PostgreSQL: stored, kept apart, refreshed.

The dashboard's clock is held still (and moved by hand), so a page computed
from the cache and one computed afresh can be compared whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from overview_support import Served, served_overview
from page_support import embedded_charts
from sqlalchemy import Engine, delete, func, select
from web_support import (
    ADMIN,
    SETTINGS,
    WORKSPACE,
    add_person,
    add_workspace,
    sign_in,
)

from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.store.report_cache import CacheEntry, store_entry
from embudo.store.tables import report_cache
from embudo.store.workspaces import open_workspace
from embudo.web.report_cache import KEEP, MAX_AGE, MIN_INTERVAL, cache_key

REFRESHING = 'data-refresh="overview"'


@pytest.fixture
def served(store: Engine) -> Iterator[Served]:
    """A small demo year, and a signed-in client of its dashboard with a clock that stands still."""
    with served_overview(store, SETTINGS, "all") as served:
        yield served


def _stored(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(report_cache)) or 0)


def _funnel(html: str) -> list[int]:
    return [step["value"] for step in embedded_charts(html)[0]["series"][0]["data"]]


def _as_of(html: str) -> str:
    found = re.search(r"Figures as of ([^<]*?)\.\s", html)
    assert found is not None, "the page says as of when its figures are"
    return found.group(1)


def _new_contacts(store: Engine, count: int, now: datetime) -> None:
    """People who arrive through the engine: each one a new visitor in the funnel."""
    messages = [
        {
            "type": "identify",
            "messageId": f"late-{number}",
            "userId": f"late-{number}",
            "traits": {"email": f"late{number}@example.com"},
            "timestamp": (now - timedelta(hours=1)).isoformat(),
        }
        for number in range(count)
    ]
    ingest(store, WORKSPACE, [read_payload("test", message) for message in messages], now=now)


def test_each_figure_is_stored_once_per_parameters_and_read_back_unchanged(
    served: Served,
) -> None:
    first = served.page()
    assert _stored(served.store) == 4, "funnel, health, sla and the alerts"
    assert REFRESHING not in first
    assert served.page() == first
    assert _stored(served.store) == 4, "read, not computed again"
    served.page(period="month")
    assert _stored(served.store) == 6, "another period's funnel and health; the same sla, alerts"


def test_a_write_is_shown_once_refreshed_and_then_equals_a_fresh_computation(
    served: Served,
) -> None:
    before = served.page()
    _new_contacts(served.store, 3, served.clock.now)
    served.clock.now += MIN_INTERVAL
    stale = served.page()
    assert _funnel(stale) == _funnel(before) and REFRESHING in stale, "the last result, marked"
    served.reports.wait()
    refreshed = served.page()
    assert REFRESHING not in refreshed
    assert _funnel(refreshed) != _funnel(before)
    with served.store.begin() as conn:
        conn.execute(delete(report_cache))
    assert served.page() == refreshed, "the cached page is the page computed afresh"


def test_another_workspace_is_never_shown_this_ones_figures(served: Served) -> None:
    demo = served.page()
    assert sum(_funnel(demo)) > 0
    add_workspace(served.store, "empty-co", "b2b-saas")
    add_person(served.store, ADMIN, workspace="empty-co")
    sign_in(served.client, ADMIN, workspace="empty-co")
    other = served.page(workspace="empty-co")
    assert sum(_funnel(other)) == 0
    assert "No contact entered the funnel in this period." in other
    assert _funnel(served.page(workspace=WORKSPACE)) == _funnel(demo)


def test_an_aged_result_is_shown_while_a_newer_one_is_computed(served: Served) -> None:
    first = served.page()
    served.clock.now += MAX_AGE + timedelta(minutes=1)
    aged = served.page()
    assert REFRESHING in aged and _as_of(aged) == _as_of(first)
    served.reports.wait()
    renewed = served.page()
    assert REFRESHING not in renewed and _as_of(renewed) != _as_of(first)


def test_a_write_soon_after_a_computation_waits_for_the_minimum_interval(
    served: Served,
) -> None:
    before = served.page()
    _new_contacts(served.store, 3, served.clock.now)
    served.clock.now += MIN_INTERVAL - timedelta(seconds=1)
    held = served.page()
    assert REFRESHING not in held and _funnel(held) == _funnel(before)
    served.reports.wait()
    assert _funnel(served.page()) == _funnel(before), "not recomputed back to back"
    served.clock.now += timedelta(seconds=1)
    assert REFRESHING in served.page()
    served.reports.wait()
    assert _funnel(served.page()) != _funnel(before)


def test_a_recomputation_removes_the_results_nobody_read_for_a_week(served: Served) -> None:
    shown = served.page()
    with served.store.begin() as conn:
        workspace_id = open_workspace(conn, WORKSPACE).id
        past_day = cache_key(workspace_id, "funnel", {"to": "a week ago"})
        unread = served.clock.now - KEEP - timedelta(seconds=1)
        store_entry(conn, past_day, CacheEntry("v0", unread, "[]"))
    assert _stored(served.store) == 5
    served.clock.now += MAX_AGE + timedelta(minutes=1)
    assert REFRESHING in served.page()
    served.reports.wait()
    assert _stored(served.store) == 4, "the week-old result is gone, the page's are kept"
    assert _funnel(served.page()) == _funnel(shown)
