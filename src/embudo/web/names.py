"""How a contact is called on screen: its name when its traits give one, else its email.

Segment's reserved traits name a person as `name`, or `firstName` and
`lastName` (`first_name`, `last_name` in some sources); anonymous contacts
have neither, nor an email, and show as `#id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def contact_name(traits: Mapping[str, Any] | None, email: str | None, contact_id: int) -> str:
    """The contact's name, else its email, else `#id`."""
    found = traits or {}
    given = _text(found.get("name"))
    if not given:
        parts = (found.get(key) for key in ("firstName", "first_name", "lastName", "last_name"))
        given = " ".join(text for text in map(_text, parts) if text)
    return given or email or f"#{contact_id}"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
