"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

Id = BigInteger().with_variant(Integer(), "sqlite")
Document = JSON().with_variant(JSONB(), "postgresql")
WrittenDocument = JSON()
"""JSON kept as written, key order included, on both backends: JSONB sorts object
keys, and a funnel definition's order means something (its first pipeline is
the default one, its events and stages are listed as the author wrote them)."""


class UtcDateTime(TypeDecorator[datetime]):
    """A time-zone-aware UTC timestamp; naive datetimes are refused, not guessed.

    On SQLite, which stores datetimes as text, a value is written in one step
    (`_sqlite_text`) in the very format SQLAlchemy's own SQLite DATETIME
    writes, instead of being converted to naive UTC here and formatted field
    by field there: ingestion binds several timestamps per event. It is read
    back with `datetime.fromisoformat` rather than SQLAlchemy's regular
    expression, for the same reason: the engine reads every touched contact's
    times and events each batch.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name == "sqlite":
            return _sqlite_text
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name == "sqlite":
            return _sqlite_moment
        return super().result_processor(dialect, coltype)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = _utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: embudo stores UTC timestamps with a zone")
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _sqlite_text(value: datetime | None) -> str | None:
    """`2024-03-01 09:00:00.000000`: naive UTC with microseconds, as SQLAlchemy stores it."""
    return None if value is None else _utc_text(value)


def _sqlite_moment(value: str | None) -> datetime | None:
    """A stored text read back as an aware UTC datetime (`None` stays `None`)."""
    return None if value is None else _moment_of(value)


@lru_cache(maxsize=4096)
def _moment_of(text: str) -> datetime:
    """Cached, like `_utc_text`: a batch reads the same moments back many times. The
    text is what `_utc_text` writes (naive UTC); one with an offset is converted."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=4096)
def _utc_text(value: datetime) -> str:
    """Cached: a batch binds the same moments again and again (its `now`, each event's time
    in its event, score entries and contact). Equal moments in other zones share the text."""
    return _utc(value).isoformat(" ", "microseconds")[: -len("+00:00")]


class Money(TypeDecorator[Decimal]):
    """Decimal amounts: NUMERIC(18, 4) on PostgreSQL; on SQLite, which has no
    decimal type, a number read back through its shortest repr (exact to 15 digits)."""

    impl = Numeric(18, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(18, 4, asdecimal=False))
        return dialect.type_descriptor(Numeric(18, 4))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return float(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))
