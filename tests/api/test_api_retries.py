"""`retrying`: a lost race is run again; anything else, or a race lost every time, stands."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from embudo.api.retries import ATTEMPTS, retrying


class Racer:
    """Loses `losses` races (a unique key broken by a concurrent insert), then wins."""

    def __init__(self, losses: int) -> None:
        self.losses, self.calls = losses, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.losses:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return "stored"


def test_a_lost_race_is_run_again() -> None:
    racer = Racer(losses=ATTEMPTS - 1)
    assert retrying(racer) == "stored"
    assert racer.calls == ATTEMPTS


def test_a_race_lost_every_time_raises() -> None:
    racer = Racer(losses=ATTEMPTS)
    with pytest.raises(IntegrityError):
        retrying(racer)
    assert racer.calls == ATTEMPTS


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        retrying(broken)
    assert calls == [1]
