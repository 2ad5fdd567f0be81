"""Periods to UTC windows: local days, the previous period, months; no database needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from embudo.analytics.params import parse_params
from embudo.analytics.windows import windows

MADRID = ZoneInfo("Europe/Madrid")


def _nothing() -> None:
    return None


def test_local_days_become_utc_instants() -> None:
    """March 2024 in Madrid: from CET midnight to CEST midnight (DST began on the 31st)."""
    [march] = windows(parse_params("2024-03-01", "2024-03-31"), MADRID, _nothing)
    assert march.start == datetime(2024, 2, 29, 23, tzinfo=UTC)
    assert march.end == datetime(2024, 3, 31, 22, tzinfo=UTC)
    assert march.labels == {}


def test_the_previous_period_has_as_many_days() -> None:
    params = parse_params("2024-04-01", "2024-04-30", compare="previous")
    current, previous = windows(params, ZoneInfo("UTC"), _nothing)
    assert (current.first_day, current.last_day) == (date(2024, 4, 1), date(2024, 4, 30))
    assert (previous.first_day, previous.last_day) == (date(2024, 3, 2), date(2024, 3, 31))
    assert previous.labels == {"period": "previous"}


def test_months_cover_the_period_and_clip_its_ends() -> None:
    params = parse_params("2024-01-15", "2024-03-10", by="month")
    found = windows(params, ZoneInfo("UTC"), _nothing)
    assert [(w.labels["month"], w.first_day, w.last_day) for w in found] == [
        ("2024-01", date(2024, 1, 15), date(2024, 1, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-03", date(2024, 3, 1), date(2024, 3, 10)),
    ]


def test_months_of_all_history_come_from_its_span() -> None:
    found = windows(
        parse_params(by="month"), ZoneInfo("UTC"), lambda: (date(2024, 5, 3), date(2024, 6, 1))
    )
    assert [w.labels["month"] for w in found] == ["2024-05", "2024-06"]
    assert windows(parse_params(by="month"), ZoneInfo("UTC"), _nothing) == []
