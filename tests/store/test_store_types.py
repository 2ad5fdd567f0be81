"""Column types round-trip the same values on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, cast, insert, select
from sqlalchemy.exc import StatementError

from embudo.store.types import Id, Money, UtcDateTime

probe_metadata = MetaData()
probes = Table(
    "type_probes",
    probe_metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=True),
    Column("amount", Money, nullable=True),
)


@pytest.fixture
def probe_store(store: Engine) -> Iterator[Engine]:
    """The store with a scratch table holding one column of each type under test."""
    probe_metadata.create_all(store)
    yield store
    probe_metadata.drop_all(store)


def _round_trip(engine: Engine, **values: object) -> tuple[object, ...]:
    with engine.begin() as connection:
        row_id = connection.execute(
            insert(probes).values(**values).returning(probes.c.id)
        ).scalar_one()
        row = connection.execute(select(probes).where(probes.c.id == row_id)).one()
    return tuple(row)


def test_utc_datetime_round_trips_an_aware_utc_moment(probe_store: Engine) -> None:
    moment = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=UTC)
    _, at, _ = _round_trip(probe_store, at=moment)
    assert at == moment
    assert isinstance(at, datetime)
    assert at.tzinfo == UTC


def test_utc_datetime_stores_other_zones_as_the_same_moment_in_utc(probe_store: Engine) -> None:
    lima = datetime(2024, 3, 30, 20, 30, tzinfo=timezone(timedelta(hours=-5)))
    _, at, _ = _round_trip(probe_store, at=lima)
    assert at == lima
    assert isinstance(at, datetime)
    assert at.tzinfo == UTC
    assert at.hour == 1


def test_utc_datetime_refuses_a_naive_datetime(probe_store: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _round_trip(probe_store, at=datetime(2024, 1, 1, 12, 0))


@pytest.mark.parametrize("amount", [Decimal("1234.5678"), Decimal("0.0001"), Decimal("-42.5")])
def test_money_round_trips_exactly(probe_store: Engine, amount: Decimal) -> None:
    _, _, stored = _round_trip(probe_store, amount=amount)
    assert isinstance(stored, Decimal)
    assert stored == amount


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=UTC), "2024-03-31 01:30:15.123456"),
        (datetime(2024, 3, 31, 1, 30, tzinfo=UTC), "2024-03-31 01:30:00.000000"),
        (
            datetime(2024, 3, 30, 20, 30, 5, 7, tzinfo=timezone(timedelta(hours=-5))),
            "2024-03-31 01:30:05.000007",
        ),
    ],
)
def test_utc_datetime_is_stored_on_sqlite_as_sqlalchemy_writes_it(
    probe_store: Engine, moment: datetime, text: str
) -> None:
    """The text SQLite holds is naive UTC with microseconds, so stored rows compare as before."""
    if probe_store.dialect.name != "sqlite":
        pytest.skip("SQLite stores datetimes as text")
    with probe_store.begin() as connection:
        connection.execute(insert(probes).values(at=moment))
        stored = connection.execute(select(cast(probes.c.at, String))).scalar_one()
    assert stored == text
