"""Concurrent intake: several clients at once, served by uvicorn, nothing refused.

On SQLite a write transaction that began with a plain BEGIN fails with
"database is locked" when another request commits first; the API's write
transactions begin IMMEDIATE and wait their turn instead. A batch answered
while another request holds the inbox's lease is applied after its answer
(group commit: `engine.inbox`), so the counts wait for the inbox. (Clients whose
batches share new contacts race to create them: `api.retries` runs the loser
again; on PostgreSQL, batches that share many contacts can still deadlock in
the engine, which is its own matter.)
"""

from __future__ import annotations

import base64
import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from api_support import count, live_server, make_key, make_workspace, wait_applied
from sqlalchemy import Engine

from embudo.api.app import create_app
from embudo.domain.access import Role
from embudo.store.tables import contacts, events

CLIENTS = 4
REQUESTS = 8
PER_REQUEST = 25


def _batch(client: int, number: int) -> bytes:
    """Messages spread over ten users of this client: each request of a client meets
    contacts its earlier requests created, and the first ones race nobody's."""
    batch = [
        {
            "type": "track",
            "messageId": f"c{client}-r{number}-m{index}",
            "userId": f"c{client}-u{index % 10}",
            "event": "webinar_registered",
        }
        for index in range(PER_REQUEST)
    ]
    return json.dumps({"batch": batch}).encode()


def _send(url: str, key: str, client: int) -> list[int]:
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=60)
    auth = base64.b64encode(f"{key}:".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
    statuses = []
    for number in range(REQUESTS):
        connection.request("POST", "/v1/batch", _batch(client, number), headers)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()
    return statuses


def test_concurrent_batches_are_all_stored(store: Engine) -> None:
    make_workspace(store)
    key = make_key(store, role=Role.INTAKE)
    with live_server(create_app(engine=store)) as url, ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda client: _send(url, key, client), range(CLIENTS)))
    assert {status for statuses in results for status in statuses} == {200}
    wait_applied(store)
    assert count(store, events) == CLIENTS * REQUESTS * PER_REQUEST
    assert count(store, contacts) == CLIENTS * 10
