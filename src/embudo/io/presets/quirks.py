"""Quirks of real data: what an import found odd in a file, where, and what it did about it.

Exports from real systems are never clean (empty fields, names spelled two
ways, dates out of order). An import never crashes on them and never drops a
row silently: each one becomes a quirk with its `file:row`, and the summary
counts them per kind with the first few rows, so a user can check the source.
"""

from __future__ import annotations

from dataclasses import dataclass

EXAMPLES = 3
"""How many rows of each kind the summary shows."""


@dataclass(frozen=True, slots=True)
class Quirk:
    """One odd row: its kind (which also says how it was handled), where, and the detail."""

    kind: str
    where: str
    detail: str


@dataclass(frozen=True, slots=True)
class QuirkKind:
    """A kind of quirk with how many rows had it and the first of them."""

    kind: str
    count: int
    examples: tuple[Quirk, ...]


class QuirkLog:
    """Every quirk of one import, grouped by kind in the order kinds were first met."""

    def __init__(self) -> None:
        self._found: dict[str, list[Quirk]] = {}

    def add(self, kind: str, where: str, detail: str) -> None:
        self._found.setdefault(kind, []).append(Quirk(kind, where, detail))

    def __len__(self) -> int:
        return sum(len(found) for found in self._found.values())

    def count(self, kind: str) -> int:
        return len(self._found.get(kind, []))

    def summary(self, examples: int = EXAMPLES) -> list[QuirkKind]:
        """Each kind with its count and first `examples` rows."""
        return [
            QuirkKind(kind, len(found), tuple(found[:examples]))
            for kind, found in self._found.items()
        ]
