"""Report values through the cache's JSON and back: equal, types kept; the unknown refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from embudo.web.stored_values import decode, encode

VALUES: list[Any] = [
    None,
    True,
    0,
    -7,
    0.1 + 0.2,
    6.889098835430869,
    "lead",
    Decimal("5012.3400"),
    Decimal("-0.0001"),
    date(2026, 1, 30),
    datetime(2026, 1, 30, 12, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 1, 30, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 1, 30, 12, 0),
    {"stage": "mql", "reached": 495, "conversion": 0.165, "amount": Decimal("12.5")},
    [{"rows": [[1, Decimal("2")], {"at": date(2025, 12, 31)}]}],
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_reads_back_equal_and_of_the_same_type(value: Any) -> None:
    back = decode(encode(value))
    assert back == value
    assert type(back) is type(value)


def test_a_datetime_keeps_its_zone_or_its_lack_of_one() -> None:
    aware = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)
    naive = datetime(2026, 1, 30, 12, 0)
    assert decode(encode(aware)).utcoffset() == timedelta(0)
    assert decode(encode(naive)).tzinfo is None


def test_a_value_of_an_unforeseen_type_is_refused_not_changed() -> None:
    with pytest.raises(TypeError, match="of type set cannot be cached"):
        encode({"stages": {"lead", "mql"}})
