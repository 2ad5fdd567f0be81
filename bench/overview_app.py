"""The app `bench/overview.py` serves: `embudo serve`'s, with the clock at a fixture's moment.

The report fixture's history ends on 2026-01-30, so "this quarter" on
today's clock would show an empty store; `EMBUDO_BENCH_NOW` (ISO 8601, UTC
when naive) stops the dashboard's clock there. Unset, the clock is real.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from fastapi import FastAPI

from embudo.config import load_settings
from embudo.server import create_server
from embudo.web.state import Clock, utc_now

NOW_VARIABLE = "EMBUDO_BENCH_NOW"


def from_environment() -> FastAPI:
    """What each uvicorn worker builds, as `embudo.server.from_environment` plus the clock."""
    return create_server(load_settings(), clock=_clock(os.environ.get(NOW_VARIABLE)))


def _clock(text: str | None) -> Clock:
    if not text:
        return utc_now
    moment = datetime.fromisoformat(text)
    fixed = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return lambda: fixed
