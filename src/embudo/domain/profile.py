"""A contact's profile, folded from its history in time order.

Traits are what the identify messages said, the later overriding the earlier
key by key (a `null` trait removes it), so a late identify cannot overwrite a
newer one. Unsubscribing is an `unsubscribed` event or trait; a `subscribed`
event or trait undoes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from embudo.domain.conditions import Occurrence

GROUP_KEY = "$group_id"
"""Where a group message's `groupId` is kept among its stored properties."""


@dataclass(slots=True)
class Profile:
    traits: dict[str, Any] = field(default_factory=dict)
    unsubscribed: bool = False
    group_id: str | None = None

    @property
    def email(self) -> str | None:
        value = self.traits.get("email")
        return value if isinstance(value, str) else None


def profile(occurrences: Sequence[Occurrence]) -> Profile:
    """The profile the occurrences (oldest first) add up to."""
    folded = Profile()
    for occurrence in occurrences:
        _fold(folded, occurrence)
    return folded


def _fold(folded: Profile, occurrence: Occurrence) -> None:
    if occurrence.name == "identify":
        for key, value in occurrence.properties.items():
            if value is None:
                folded.traits.pop(key, None)
            else:
                folded.traits[key] = value
        if "unsubscribed" in occurrence.properties:
            folded.unsubscribed = bool(occurrence.properties["unsubscribed"])
        if "subscribed" in occurrence.properties:
            folded.unsubscribed = not occurrence.properties["subscribed"]
    elif occurrence.name in ("unsubscribed", "subscribed"):
        folded.unsubscribed = occurrence.name == "unsubscribed"
    elif occurrence.name == "group":
        folded.group_id = occurrence.properties.get(GROUP_KEY)
