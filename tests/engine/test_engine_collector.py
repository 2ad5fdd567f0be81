"""Ingestion sets the objects alive before it began aside from the garbage collector, and only
while it runs: a caller's own frozen objects and the collector's state after are left as found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from funnel_support import NOW, as_lines, at, identify, install, page, read_lines
from sqlalchemy import Engine

from embudo.engine.ingest import ingest

FILE = as_lines(
    [
        page("m1", at(0), anon="a1"),
        identify("m2", at(1), anon="a1", user="u1", email="ana@example.com"),
        page("m3", at(2), anon="b1"),
    ]
)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Start with nothing frozen; unfreeze whatever a test froze."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_older_objects_are_set_aside_while_ingesting_and_put_back_after(store: Engine) -> None:
    install(store)
    frozen_during: list[int] = []

    summary = ingest(
        store,
        "default",
        read_lines(FILE),
        now=NOW,
        batch_size=2,
        progress=lambda _: frozen_during.append(gc.get_freeze_count()),
    )

    assert summary.accepted == 3
    assert len(frozen_during) == 2
    assert all(count > 0 for count in frozen_during)
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("unfrozen")
def test_objects_a_caller_froze_stay_frozen(store: Engine) -> None:
    install(store)
    gc.freeze()

    ingest(store, "default", read_lines(FILE), now=NOW)

    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("unfrozen")
def test_a_failing_ingestion_puts_the_objects_back_too(store: Engine) -> None:
    install(store)

    def fail(_: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        ingest(store, "default", read_lines(FILE), now=NOW, progress=fail)

    assert gc.get_freeze_count() == 0
