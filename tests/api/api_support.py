"""Building blocks for API tests: a workspace on the b2b-saas template, keys, a live server.

A plain module (not fixtures) so each test reads as the story it tells.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, Table, func, select

from embudo.domain.access import Role
from embudo.engine.api_keys import create_key
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import parse_spec, template_text
from embudo.store.tables import inbox
from embudo.store.workspaces import open_workspace

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def make_workspace(engine: Engine, name: str = "default") -> int:
    """A workspace on the b2b-saas template; its id."""
    loaded = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml")
    with engine.begin() as conn:
        apply_spec(conn, name, loaded.document, loaded.source, now=NOW)
        return open_workspace(conn, name).id


def make_key(engine: Engine, workspace: str = "default", role: Role = Role.ADMIN) -> str:
    """A new API key of `role` in `workspace`: its secret."""
    with engine.begin() as conn:
        workspace_id = open_workspace(conn, workspace).id
        return create_key(conn, workspace_id, f"test {role}", role, now=NOW).secret


def basic(key: str) -> dict[str, str]:
    """The HTTP basic-auth header a Segment client sends: the write key as the user."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def count(engine: Engine, table: Table, **where: Any) -> int:
    """How many rows of `table` have the given column values."""
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def wait_applied(engine: Engine, seconds: float = 60) -> None:
    """Until no batch is queued in the inbox: concurrent requests are answered once their
    batch is stored, and the lease holder applies it after (`engine.inbox`)."""
    deadline = time.monotonic() + seconds
    while count(engine, inbox):
        if time.monotonic() > deadline:
            raise TimeoutError(f"batches still queued after {seconds} s")
        time.sleep(0.02)


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, in a thread; yields its base URL.

    The socket is bound here (port 0) and handed to uvicorn, so no other
    process can take the port between choosing and listening.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server) -> None:
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("uvicorn did not start within 10 s")
        time.sleep(0.02)


def journey(user: str, email: str, *events: str) -> list[dict[str, Any]]:
    """Segment messages: `user` identifies with `email`, then does `events` a minute apart."""
    messages: list[dict[str, Any]] = [
        {
            "type": "identify",
            "messageId": f"{user}-identify",
            "userId": user,
            "traits": {"email": email},
            "timestamp": NOW.isoformat(),
        }
    ]
    for index, name in enumerate(events, start=1):
        moment = NOW.replace(minute=index).isoformat()
        messages.append(
            {
                "type": "track",
                "messageId": f"{user}-{index}",
                "userId": user,
                "event": name,
                "timestamp": moment,
            }
        )
    return messages


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """`response` is an RFC 9457 problem of `status`; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("urn:embudo:problem:")
    assert body["title"] and body["detail"] and body["instance"].startswith("/")
    return body
