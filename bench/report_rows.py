"""What the report benchmark's history generator shares: its clock, sizes, ids and rows.

The fixture is written straight into the history tables, so it assigns every
id itself (a fresh database, ids from 1): rows can point at each other — a
breach at its MQL transition, a move at its event — before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

START = datetime(2024, 1, 1, tzinfo=UTC)
CREATION_DAYS = 700
NOW = START + timedelta(days=760)
"""The moment the fixture is read at: nothing happens after it."""
SEED = 20240101

Row = dict[str, Any]
Touch = tuple[int, int | None]
"""(channel id, campaign id or None for a touch without a campaign)."""


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big a history to build; `events` includes one first touch per contact."""

    contacts: int
    transitions: int
    deals: int
    events: int


@dataclass(frozen=True, slots=True)
class Context:
    """The rows already in the store (written by `apply_spec` and the set-up) the history uses."""

    workspace_id: int
    spec_version_id: int
    sales: tuple[int, ...]
    touches: tuple[Touch, ...]


@dataclass(slots=True)
class OpenDeal:
    """A deal opened by a contact's move into opportunity, waiting for its outcome."""

    deal_id: int
    opened_at: datetime
    amount: Decimal


@dataclass(slots=True)
class Walk:
    """One contact's way through the funnel so far."""

    contact_id: int
    touch: Touch
    at: datetime
    stage: str | None = None
    owner_id: int | None = None
    deal: OpenDeal | None = None
    last_seen: datetime = START


@dataclass(slots=True)
class Rows:
    """Rows built but not yet written, by table name, and the last id given in each table."""

    last_ids: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    pending: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def new_id(self, table: str) -> int:
        self.last_ids[table] += 1
        return self.last_ids[table]

    def add(self, table: str, row: Row) -> None:
        self.pending[table].append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.pending.values())

    def take(self) -> dict[str, list[Row]]:
        """The rows built since the last call, by table name."""
        taken, self.pending = dict(self.pending), defaultdict(list)
        return taken


def money(value: float) -> Decimal:
    """An amount to the cent, as the store keeps it."""
    return Decimal(f"{value:.2f}")


def between(start: datetime, end: datetime, share: float) -> datetime:
    """The moment `share` (0..1) of the way from `start` to `end`, to the second."""
    return (start + (end - start) * share).replace(microsecond=0)
