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

    def trait(self, name: str, at: datetime) -> Any:
        return _as_of(self.occurrences, "identify", name, at, self.traits)

    def company_trait(self, name: str, at: datetime) -> Any:
        return _as_of(self.occurrences, "group", name, at, self.company)

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


def _as_of(
    occurrences: Sequence[Occurrence], kind: str, name: str, at: datetime, now: Mapping[str, Any]
) -> Any:
    carriers = [item for item in occurrences if item.name == kind and name in item.properties]
    if not carriers:
        return now.get(name)
    known = [item for item in carriers if item.at <= at]
    return known[-1].properties[name] if known else None
