"""Shapes of the Segment-compatible intake."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class Success(BaseModel):
    """Segment's answer to an accepted request (invalid messages are kept as dead letters)."""

    success: Literal[True] = True


MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A Segment message (identify, track, page, screen, group, alias); "
    "see the Segment spec. `writeKey` may be given here instead of basic auth.",
    "additionalProperties": True,
    "properties": {
        "messageId": {"type": "string"},
        "userId": {"type": "string"},
        "anonymousId": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
        "writeKey": {"type": "string"},
    },
}
BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A Segment batch: up to 500 KB, each message up to 32 KB.",
    "additionalProperties": True,
    "required": ["batch"],
    "properties": {
        "batch": {"type": "array", "items": MESSAGE_SCHEMA},
        "context": {"type": "object"},
        "writeKey": {"type": "string"},
    },
}
