"""Fixtures of the demo tests: the seeds' funnel and a year of it, simulated once."""

from __future__ import annotations

import pytest
from demo_stream import SEED_SPEC, START, Contact, contacts

from embudo.demo.simulator import Step, simulate
from embudo.domain.spec import FunnelSpec


@pytest.fixture(scope="session")
def seed_spec() -> FunnelSpec:
    return FunnelSpec.model_validate(SEED_SPEC)


@pytest.fixture(scope="session")
def year(seed_spec: FunnelSpec) -> list[Step]:
    """A year of 2,000 visitors of the seeds' funnel, shared by the tests that only read it."""
    return list(simulate(seed_spec, contacts=2000, seed=7, start=START))


@pytest.fixture(scope="session")
def people(year: list[Step]) -> dict[str, Contact]:
    """The year read back per visitor (anonymous id)."""
    return contacts(year)
