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
        "timestamp": {
            "type": "string",
            "format": "date-time",
            "description": "When it happened, trusted as it is",
        },
        "originalTimestamp": {
            "type": "string",
            "format": "date-time",
            "description": "When it happened on the client's clock",
        },
        "sentAt": {
            "type": "string",
            "format": "date-time",
            "description": "When the client sent it, on its clock: without `timestamp`, the "
            "event is timed receivedAt - (sentAt - originalTimestamp)",
        },
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
        "sentAt": {
            "type": "string",
            "format": "date-time",
            "description": "When the client sent the batch: every message's `sentAt` lacking one",
        },
        "writeKey": {"type": "string"},
    },
}
