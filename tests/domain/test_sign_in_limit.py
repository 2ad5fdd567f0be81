"""The sign-in attempt limit's arithmetic: when a subject may try again, and what to tell them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from embudo.domain.sign_in_limit import (
    PER_CLIENT,
    PER_EMAIL,
    Subject,
    blocked_until,
    minutes_until,
    subjects,
)

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
ANA = Subject("email:ana@x.io", PER_EMAIL)


def minutes(*offsets: int) -> list[datetime]:
    return [T0 + timedelta(minutes=offset) for offset in offsets]


@pytest.mark.parametrize(
    ("failures", "limit", "free_at"),
    [
        (minutes(), 5, None),
        (minutes(0, 1, 2, 3), 5, None),
        (minutes(0, 1, 2, 3, 4), 5, T0 + timedelta(minutes=15)),
        (minutes(4, 3, 2, 1, 0), 5, T0 + timedelta(minutes=15)),
        (minutes(0, 1, 2, 3, 4, 5), 5, T0 + timedelta(minutes=16)),
        (minutes(0, 7), 2, T0 + timedelta(minutes=15)),
    ],
)
def test_a_subject_is_free_when_its_limit_th_latest_failure_leaves_the_window(
    failures: list[datetime], limit: int, free_at: datetime | None
) -> None:
    assert blocked_until(failures, limit) == free_at


@pytest.mark.parametrize(
    ("seconds", "told"), [(1, 1), (59, 1), (60, 1), (61, 2), (600, 10), (899, 15), (-5, 1)]
)
def test_the_wait_is_told_in_whole_minutes_rounded_up(seconds: int, told: int) -> None:
    assert minutes_until(T0 + timedelta(seconds=seconds), T0) == told


@pytest.mark.parametrize(
    ("email", "client", "expected"),
    [
        (" Ana@X.io ", "10.0.0.1", (ANA, Subject("client:10.0.0.1", PER_CLIENT))),
        ("ana@x.io", None, (ANA,)),
        ("ana@x.io", "", (ANA,)),
    ],
)
def test_an_email_and_a_known_address_are_counted(
    email: str, client: str | None, expected: tuple[Subject, ...]
) -> None:
    assert subjects(email, client) == expected
