"""`embudo serve`'s HTTP protocol answers without waiting on Nagle's algorithm.

The listener here is bound the way uvicorn's supervisor binds it for
`--workers N` (`proto` left at 0), which is what left `TCP_NODELAY` off.
"""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from uvicorn import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from embudo.http_protocol import NoDelayH11Protocol


async def _app(scope: object, receive: object, send: object) -> None:
    """Never called: the test only connects."""


async def _nodelay_of_accepted(protocol: type[H11Protocol]) -> int:
    """TCP_NODELAY of the server side of one connection accepted through `protocol`."""
    config = Config(app=_app, lifespan="off")
    config.load()
    state = ServerState()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(
        lambda: protocol(config=config, server_state=state, app_state={}), sock=listener
    )
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(*listener.getsockname()), 5)
        async with asyncio.timeout(5):
            while not state.connections:
                await asyncio.sleep(0.01)
        (accepted,) = state.connections
        assert isinstance(accepted, H11Protocol)
        connection = accepted.transport.get_extra_info("socket")
        writer.close()
        return int(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        server.close()


def _nodelay_with(protocol: type[H11Protocol]) -> int:
    """`_nodelay_of_accepted` on an event loop of its own thread (another test's loop, such
    as the browser driver's, may be running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _nodelay_of_accepted(protocol)).result(timeout=30)


def test_a_listener_bound_as_uvicorns_workers_bind_it_gets_nodelay() -> None:
    assert _nodelay_with(NoDelayH11Protocol) == 1


def test_uvicorns_own_protocol_leaves_it_off_there() -> None:
    """What the protocol is for: without it, such a connection keeps Nagle's algorithm."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.proto == socket.IPPROTO_TCP:
            pytest.skip("this platform names the protocol of a new socket")
    assert _nodelay_with(H11Protocol) == 0
