"""Synthetic Segment traffic for the ingest benchmark, generated lazily.

`messages` track messages go to `contacts` contacts drawn uniformly at random
(seeded, so every run sends the same stream); a contact's first message is
preceded by an `identify` with its email. Timestamps rise steadily over one
year, so the stream arrives in order. Only a bytearray of who was seen is
kept, never the messages, so the generator's memory does not grow with
`messages`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
NOW = YEAR_START + YEAR + timedelta(days=1)
"""The `now` the engine runs at: the day after the last message."""

SEED = 20250101

COUNTRIES = ("ES", "IT", "PT", "FR", "DE", "US")
TITLES = ("Marketing director", "Head of growth", "CTO", "Analyst", "Engineer", "Student")
CAMPAIGNS: tuple[dict[str, str], ...] = (
    {"name": "spring-webinar", "source": "linkedin", "medium": "paid_social"},
    {"name": "newsletter-may", "source": "newsletter", "medium": "email"},
    {"name": "brand-search", "source": "google", "medium": "cpc"},
)
CAMPAIGN_SHARE = 0.2
"""The share of track messages that carry UTM parameters (`context.campaign`)."""


@dataclass(frozen=True, slots=True)
class StreamShape:
    """How much traffic to send, over how many contacts, with which event names."""

    messages: int
    contacts: int
    event_names: Sequence[str]

    @property
    def expected_total(self) -> int:
        """Tracks plus one identify per contact (nearly every contact is drawn at 10:1)."""
        return self.messages + min(self.contacts, self.messages)


def documents(shape: StreamShape, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """The decoded JSON of every message, in time order."""
    rng = random.Random(seed)
    weights = _funnel_weights(len(shape.event_names))
    seen = bytearray(shape.contacts)
    step = YEAR / max(shape.messages, 1)
    for number in range(shape.messages):
        contact = rng.randrange(shape.contacts)
        at = (YEAR_START + step * number).isoformat()
        if not seen[contact]:
            seen[contact] = 1
            yield identify(contact, at, rng)
        event = rng.choices(shape.event_names, weights)[0]
        yield track(number, contact, event, at, rng)


def identify(contact: int, at: str, rng: random.Random) -> dict[str, Any]:
    """A contact making itself known: email, country and job title."""
    domain = "gmail.com" if rng.random() < 0.3 else f"co{contact % 5000}.example"
    traits = {
        "email": f"contact{contact}@{domain}",
        "country": rng.choice(COUNTRIES),
        "job_title": rng.choice(TITLES),
    }
    return {
        **_ids(contact),
        "type": "identify",
        "messageId": f"i-{contact}",
        "timestamp": at,
        "traits": traits,
    }


def track(number: int, contact: int, event: str, at: str, rng: random.Random) -> dict[str, Any]:
    """One track message; some carry the UTM parameters of a campaign."""
    document: dict[str, Any] = {
        **_ids(contact),
        "type": "track",
        "messageId": f"t-{number}",
        "event": event,
        "timestamp": at,
        "properties": {"path": f"/resources/{event}", "value": rng.randrange(100)},
    }
    if rng.random() < CAMPAIGN_SHARE:
        document["context"] = {"campaign": rng.choice(CAMPAIGNS)}
    return document


def _ids(contact: int) -> dict[str, str]:
    return {"anonymousId": f"a-{contact}", "userId": f"u-{contact}"}


def _funnel_weights(count: int) -> list[int]:
    """Top-of-funnel events (listed first in the template) are the most frequent."""
    return [count - index for index in range(count)]
