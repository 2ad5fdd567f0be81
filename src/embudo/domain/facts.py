"""What is known about one contact, as a condition sees it at a moment.

Traits are read as they stood then: the last identify (or, for the company,
group) message at or before the moment that carried the trait. A trait no
message ever carried — set by an import, say — is read as it is now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from embudo.domain.conditions import Occurrence
from embudo.domain.scoring import Points, ScoreKind, total


@dataclass(slots=True)
class ContactFacts:
    """A contact's traits, company, occurrences (in time order) and score entries."""

    traits: Mapping[str, Any]
    company: Mapping[str, Any]
    occurrences: Sequence[Occurrence]
    entries: list[Points] = field(default_factory=list)
    _by_name: dict[str, list[Occurrence]] | None = field(default=None, repr=False)
    _carriers: dict[tuple[str, str], list[Occurrence]] = field(default_factory=dict, repr=False)

    def trait(self, name: str, at: datetime) -> Any:
        return _as_of(self._carrying("identify", name), name, at, self.traits)

    def company_trait(self, name: str, at: datetime) -> Any:
        return _as_of(self._carrying("group", name), name, at, self.company)

    def _carrying(self, kind: str, name: str) -> list[Occurrence]:
        """The `kind` messages (in time order) that carried trait `name`, found once."""
        key = (kind, name)
        found = self._carriers.get(key)
        if found is None:
            found = [item for item in self.named(kind) if name in item.properties]
            self._carriers[key] = found
        return found

    def score(self, kind: str, at: datetime) -> float:
        return total(self.entries, None if kind == "total" else ScoreKind(kind), at)

    def named(self, name: str) -> Sequence[Occurrence]:
        """The occurrences of one event, indexed once on first use."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for occurrence in self.occurrences:
                self._by_name[occurrence.name].append(occurrence)
        return self._by_name.get(name, ())

    def score_moments(self) -> list[datetime]:
        """When the score changed: the moments its entries are dated."""
        return [entry.occurred_at for entry in self.entries]


def _as_of(carriers: Sequence[Occurrence], name: str, at: datetime, now: Mapping[str, Any]) -> Any:
    """The trait as the last carrier at or before `at` said; as it is now if none ever did."""
    if not carriers:
        return now.get(name)
    for item in reversed(carriers):
        if item.at <= at:
            return item.properties[name]
    return None
