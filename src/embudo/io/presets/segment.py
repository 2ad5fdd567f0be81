"""The Segment messages an import sends, with ids derived from the source's ids.

The same source row always gives the same `messageId`, so the engine skips a
message it already has: that is what makes re-importing a file a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from embudo.io.presets.cells import iso


def identify(
    message_id: str,
    user_id: str,
    at: datetime,
    traits: dict[str, Any],
    campaign: dict[str, str] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "identify",
        "messageId": message_id,
        "userId": user_id,
        "timestamp": iso(at),
        "traits": traits,
    }
    return _touch(message, campaign)


def track(
    message_id: str,
    user_id: str,
    at: datetime,
    event: str,
    properties: dict[str, Any],
    campaign: dict[str, str] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "track",
        "messageId": message_id,
        "userId": user_id,
        "timestamp": iso(at),
        "event": event,
        "properties": properties,
    }
    return _touch(message, campaign)


def group(
    message_id: str, user_id: str, at: datetime, group_id: str, traits: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "group",
        "messageId": message_id,
        "userId": user_id,
        "timestamp": iso(at),
        "groupId": group_id,
        "traits": traits,
    }


def _touch(message: dict[str, Any], campaign: dict[str, str] | None) -> dict[str, Any]:
    """The message with its UTM parameters (`context.campaign`), which give the channel."""
    if campaign is not None:
        message["context"] = {"campaign": campaign}
    return message
