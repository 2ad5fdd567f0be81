"""Intake: raw input (JSON lines, HTTP bodies) to validated Segment messages or rejections.

A rejection keeps the payload and says why, so nothing sent is ever lost: the
engine stores it in the dead-letter table and applies the rest of the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from embudo.domain.messages import MAX_MESSAGE_BYTES, Message


@dataclass(frozen=True, slots=True)
class Rejection:
    """A message that could not be read, where it came from, and why."""

    source: str
    payload: str
    reason: str
    message_id: str | None = None


Incoming = Message | Rejection


def read_line(source: str, text: str) -> Iterator[Incoming]:
    """The messages on one JSON line: a message, or a Segment `{"batch": [...]}`."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield Rejection(source, text, f"not valid JSON: {error.msg} (column {error.colno})")
        return
    if isinstance(document, dict) and isinstance(document.get("batch"), list):
        for index, item in enumerate(document["batch"]):
            yield read_payload(f"{source}[{index}]", item)
    else:
        yield read_payload(source, document, size=len(text.encode()))


def read_payload(source: str, document: Any, size: int | None = None) -> Incoming:
    """One message from its decoded JSON, or why it is refused.

    `size` is the message's length in bytes when the raw text is at hand;
    otherwise it is measured by serialising the document again.
    """
    if not isinstance(document, dict):
        return Rejection(source, _text(document), "a message must be a JSON object")
    message_id = message_id_of(document)
    size = len(_text(document).encode()) if size is None else size
    if size > MAX_MESSAGE_BYTES:
        reason = f"message is {size} bytes, over the {MAX_MESSAGE_BYTES} byte limit"
        return Rejection(source, _text(document), reason, message_id)
    try:
        return Message.model_validate(document)
    except ValidationError as error:
        return Rejection(source, _text(document), _reason(error), message_id)


def read_stored(source: str, document: Any, stored_text: str) -> Incoming:
    """`read_payload` of a document kept as `stored_text`, JSON with every character beyond
    ASCII escaped (as the inbox keeps it).

    Such a text is never shorter than the message's UTF-8 text, so a document
    stored within the limit is within it and is not serialised again to be
    measured. One holding a `\\uD8..`-`\\uDF..` escape is: a lone surrogate
    must fail there, as it fails to be encoded, not reach the store.
    """
    within = len(stored_text) <= MAX_MESSAGE_BYTES and "\\ud" not in stored_text
    return read_payload(source, document, size=len(stored_text) if within else None)


def message_id_of(document: Any) -> str | None:
    """The `messageId` a document carries, cut to what a dead letter keeps (or None)."""
    found = document.get("messageId") if isinstance(document, dict) else None
    return str(found)[:200] if found is not None else None


def received(items: Iterable[Incoming], at: datetime) -> list[Incoming]:
    """Messages as received over HTTP at `at`: each timed for its sender's clock skew.

    Only a live receiver knows when a message arrived; a file read later does
    not, so `embudo ingest` keeps the times the messages carry.
    """
    return [item.skew_corrected(at) if isinstance(item, Message) else item for item in items]


def _text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, default=str)


def _reason(error: ValidationError) -> str:
    """Every problem of a message, as `field: what is wrong`."""
    parts = []
    for problem in error.errors(include_url=False):
        field = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {message}" if field else message)
    return "; ".join(parts)
