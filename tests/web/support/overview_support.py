"""A small demo year served to a signed-in test client whose clock stands still (moved by
hand): the harness of the overview's cache tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from web_support import ADMIN, ORIGIN, add_person, demo_workspace, sign_in

from embudo.config import Settings
from embudo.server import create_server
from embudo.web.report_cache import ReportCache

DEMO_CONTACTS = 150


@dataclass
class Clock:
    now: datetime


@dataclass(frozen=True, slots=True)
class Served:
    client: TestClient
    reports: ReportCache
    clock: Clock
    store: Engine
    period: str
    """The overview's period when a test names none."""

    def page(self, **params: str) -> str:
        response = self.client.get("/", params={"period": self.period, **params})
        assert response.status_code == 200
        return response.text


@contextmanager
def served_overview(store: Engine, settings: Settings, period: str) -> Iterator[Served]:
    """The dashboard on `store` (a demo year added) with `settings`, signed in as `ADMIN`."""
    clock = Clock(demo_workspace(store, DEMO_CONTACTS))
    add_person(store, ADMIN)
    app = create_server(settings, store, clock=lambda: clock.now)
    with TestClient(app, headers=ORIGIN) as client:
        sign_in(client, ADMIN)
        yield Served(client, app.state.web.reports, clock, store, period)
