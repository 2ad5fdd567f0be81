"""Keyset pages: the rows after a mark (the last row's sort value and id), in a stable order.

Reading a page as "after this mark" rather than "skip n rows" keeps pages
stable while rows are inserted: a new row lands before or after the mark and
nothing already read is read again or skipped. Every order ends on the id, so
the mark is a single place. NULLs of a nullable sort column come last in
either direction, on every backend (SQLite and PostgreSQL disagree otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from embudo.domain.errors import InvalidInput

LARGEST = 10**14
"""Past any amount or score stored (NUMERIC(18, 4)), so never a value to resume after."""
CURSOR_HELP = "start again without `cursor`, or pass the `next_cursor` of the previous page"


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a page ended: its last row's sort value and id."""

    value: Any
    id: int


@dataclass(frozen=True, slots=True)
class Ordering:
    """Rows by `column` (descending if asked), then by `tiebreak` (the id) the same way."""

    column: ColumnElement[Any]
    tiebreak: ColumnElement[Any]
    descending: bool = False

    def order_by(self) -> tuple[ColumnElement[Any], ...]:
        keys = (self.column, self.tiebreak)
        directed = tuple(key.desc() if self.descending else key.asc() for key in keys)
        if self._nullable():
            return (self.column.is_(None), *directed)
        return directed

    def after(self, mark: Mark) -> ColumnElement[bool]:
        """The rows that come after `mark` in this order."""
        beyond = self._beyond(self.tiebreak, mark.id)
        if mark.value is None:
            return and_(self.column.is_(None), beyond)
        later = or_(self._beyond(self.column, mark.value), and_(self.column == mark.value, beyond))
        return or_(self.column.is_(None), later) if self._nullable() else later

    def resume(self, raw: Mark) -> Mark:
        """A mark read back from a cursor, typed as the column: refused if it cannot be one."""
        if not _whole(raw.id):
            raise InvalidInput(f"cursor: not a place in this list — {CURSOR_HELP}")
        if raw.value is None and self._nullable():
            return raw
        return Mark(_typed(self.column, raw.value), raw.id)

    def _beyond(self, column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
        beyond: ColumnElement[bool] = column < value if self.descending else column > value
        return beyond

    def _nullable(self) -> bool:
        return bool(getattr(self.column, "nullable", False))


def _typed(column: ColumnElement[Any], value: Any) -> Any:
    """`value` (as JSON gave it) as the Python type of `column`."""
    kind = getattr(column.type, "impl_instance", column.type).python_type
    try:
        return _parse(kind, value)
    except (TypeError, ValueError, InvalidOperation, OverflowError):
        raise InvalidInput(f"cursor: not a place in this list — {CURSOR_HELP}") from None


def _parse(kind: type, value: Any) -> Any:
    if kind is datetime:
        moment = datetime.fromisoformat(_text(value))
        if moment.tzinfo is None:
            raise ValueError("a naive time")
        return moment
    if kind is date:
        return date.fromisoformat(_text(value))
    if kind is Decimal:
        amount = Decimal(_text(value))
        if not amount.is_finite() or abs(amount) >= LARGEST:
            raise ValueError("not an amount")
        return amount
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        if not abs(value) < LARGEST:
            raise ValueError("not a finite number")
        return float(value)
    if kind is int and _whole(value):
        return value
    if kind is str and isinstance(value, str) and "\x00" not in value and len(value) <= 1000:
        return value
    raise TypeError(f"{value!r} is not a {kind.__name__}")


def _whole(value: Any) -> bool:
    """An int a database id column can hold (bool is not one)."""
    return type(value) is int and abs(value) <= 2**62


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def plain(value: Any) -> Any:
    """A sort value as JSON can carry it (what `Ordering.resume` reads back)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
