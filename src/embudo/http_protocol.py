"""The HTTP protocol `embudo serve` hands uvicorn: its h11 protocol, with Nagle's algorithm off.

With `--workers N` uvicorn binds the listening socket itself and leaves its
`proto` at 0; accepted sockets inherit it, and asyncio turns `TCP_NODELAY` on
only for sockets that say `IPPROTO_TCP` (uvicorn issue #3149). Nagle's
algorithm then holds the end of each answer until the client's delayed
acknowledgement: every keep-alive request after the first waited about 40 ms
(`bench/http_intake.py`: `/v1/track` p50 48 ms with two workers, 7.5 ms with
one). Setting the option on each connection makes both paths alike.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that sends each answer at once, whoever bound the socket."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
