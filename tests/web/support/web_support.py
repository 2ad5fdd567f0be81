"""Building blocks for dashboard tests: a demo workspace made by the real engine, a live server.

A plain module (not fixtures) so a later page's test can build what it needs
the same way; `conftest.py` turns these into session fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from api_support import live_server
from sqlalchemy import Engine

from embudo.config import Settings
from embudo.demo.run import DemoPlan, run_demo
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.server import create_server

WORKSPACE = "demo"


def demo_workspace(
    engine: Engine, contacts: int, *, template: str = "b2b-saas", now: datetime | None = None
) -> datetime:
    """A year of `template`'s business (as `embudo demo` plays it) ending `now`; returns `now`."""
    moment = now or datetime.now(UTC)
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with engine.begin() as conn:
        apply_spec(conn, WORKSPACE, loaded.document, loaded.source, now=moment)
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    plan = DemoPlan(contacts, seed=5, start=start.replace(year=start.year - 1), months=12)
    run_demo(engine, WORKSPACE, loaded.spec, plan, now=moment)
    return moment


@dataclass(frozen=True, slots=True)
class Site:
    """A dashboard served on a store of its own: its URL, and the engine to check what changed."""

    url: str
    engine: Engine


def add_workspace(engine: Engine, name: str, template: str) -> None:
    """Another workspace in the same store, on `template`, with nothing in it yet."""
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    with engine.begin() as conn:
        apply_spec(conn, name, loaded.document, loaded.source, now=datetime.now(UTC))


@contextmanager
def dashboard(engine: Engine) -> Iterator[str]:
    """The API and the dashboard on `engine`, served on a free loopback port; its base URL."""
    app = create_server(Settings(workspace=WORKSPACE), engine)
    with live_server(app) as url:
        yield url
