"""A cap on request bodies, enforced while they stream in.

Content-Length can be absent (chunked) or false, so the bytes are counted as
they arrive; the first byte past the cap raises `BodyTooLarge`, a 413 problem,
before any handler has run, so nothing is written. (FastAPI wraps errors met
while it reads a body in a 400; `problems` unwraps this one.)
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from embudo.api.problems import ProblemError

MAX_BODY_BYTES = 1024 * 1024


class BodyTooLarge(ProblemError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, "body.too_large", f"the request body is over {limit} bytes")


class BodyLimit:
    """ASGI middleware refusing bodies over `max_bytes` as sent (before decompression)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            receive = self._counting(receive)
        await self.app(scope, receive, send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        return counted
