"""The overview's first view of a result (the cold request), on SQLite and PostgreSQL: it never
computes in the request past its wait, shows placeholders or yesterday's figures, and errors.

The dashboard waits no time at all here (`report_wait=0`): every missing
result is left to the background thread, whose end `ReportCache.wait` awaits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from overview_support import Served, served_overview
from page_support import embedded_charts
from sqlalchemy import Engine, delete, func, select
from web_support import WORKSPACE

from embudo.config import Settings
from embudo.store.tables import report_cache
from embudo.store.workspaces import open_workspace
from embudo.web.report_cache import MAX_AGE, MIN_INTERVAL, cache_key

REFRESHING = 'data-refresh="overview"'
PARTS = ("funnel", "health", "sla", "alerts")


@pytest.fixture
def cold(store: Engine) -> Iterator[Served]:
    """A small demo year, and a signed-in client of a dashboard that never waits for a figure."""
    with served_overview(store, Settings(workspace=WORKSPACE, report_wait=0), "30d") as served:
        yield served


def _computing(html: str) -> set[str]:
    return {part for part in PARTS if f'data-computing="{part}"' in html}


def _failed(html: str) -> set[str]:
    return {part for part in PARTS if f'data-failed="{part}"' in html}


def _pending_rows(store: Engine) -> int:
    with store.connect() as conn:
        query = select(func.count()).select_from(report_cache).where(report_cache.c.result == "")
        return int(conn.scalar(query) or 0)


def test_a_first_view_answers_at_once_with_placeholders_then_shows_the_figures(
    cold: Served,
) -> None:
    first = cold.page()
    assert _computing(first) == set(PARTS)
    assert embedded_charts(first) == [] and "Figures as of" not in first
    assert REFRESHING in first, "the placeholders ask for the page again"
    assert "Computing… this first view of a large workspace can take a few minutes." in first
    cold.reports.wait()
    assert _pending_rows(cold.store) == 0
    shown = cold.page()
    assert _computing(shown) == set() and REFRESHING not in shown
    assert "Figures as of" in shown and embedded_charts(shown)
    with cold.store.begin() as conn:
        conn.execute(delete(report_cache))
    cold.reports.wait_seconds = 600  # computed afresh, in the request
    assert cold.page() == shown, "the figures computed in the background are a fresh page's"


def test_a_second_request_joins_the_computation_already_claimed(cold: Served) -> None:
    with cold.store.connect() as conn:
        workspace_id = open_workspace(conn, WORKSPACE).id
    gate = threading.Event()
    busy = cold.reports.read(
        cache_key(workspace_id, "gate", {}), cold.reports.visit(cold.clock.now), gate.wait
    )
    assert busy.computing, "the background thread is held, so the page's parts queue behind"
    cold.page()
    again = cold.page()
    gate.set()
    assert _computing(again) == set(PARTS), "still computing, not computed twice"
    cold.reports.wait()
    with cold.store.connect() as conn:
        query = select(func.count()).where(report_cache.c.report.in_(PARTS))
        rows = int(conn.scalar(query) or 0)
    assert rows == len(PARTS)


def test_a_new_day_shows_yesterdays_figures_while_todays_are_computed(cold: Served) -> None:
    cold.page()
    cold.reports.wait()
    yesterday = cold.page()
    cold.clock.now += timedelta(days=1)
    today = cold.page()
    assert REFRESHING in today and "Newer figures are being computed" in today
    assert not _computing(today) & {"funnel", "health"}, "yesterday's stand in"
    assert embedded_charts(today)[0] == embedded_charts(yesterday)[0]
    cold.reports.wait()
    assert REFRESHING not in cold.page()


def test_a_failed_computation_is_shown_in_place_logged_and_tried_again(
    cold: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with cold.store.connect() as conn:
        workspace_id = open_workspace(conn, WORKSPACE).id
    key = cache_key(workspace_id, "alerts", {})

    def broken() -> object:
        raise RuntimeError("the store went away")

    visit = cold.reports.visit(cold.clock.now)
    with caplog.at_level(logging.ERROR, logger="embudo.web.report_cache"):
        assert cold.reports.read(key, visit, broken).computing
        cold.reports.wait()
    assert "the store went away" in caplog.text
    cold.page()
    cold.reports.wait()
    failed = cold.page()
    assert _failed(failed) == {"alerts"} and _computing(failed) == set()
    assert REFRESHING not in failed, "an error is not an endless spinner"
    assert "These figures could not be computed" in failed
    cold.clock.now += MAX_AGE + MIN_INTERVAL
    assert REFRESHING in cold.page(), "tried again once aged, as a stale result"
    cold.reports.wait()
    assert _failed(cold.page()) == set()
