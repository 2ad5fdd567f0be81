"""A year of a believable business, as the stream of messages and commands the engine takes.

Generic over the spec: channels, events, qualification conditions, fit,
disqualify and negative-engagement rules are all read from `embudo.yaml`, so
every template gets a demo. Deterministic per seed: one `random.Random(seed)`,
no clock (`start` is given), message ids numbered in stream order.

Journeys are written whole when a visitor first arrives and kept in a heap;
after each simulated day, every step before the next day is released, since
no visitor arriving later can act earlier. Memory therefore holds only the
steps still to come of contacts already seen, not the whole stream.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime
from itertools import count
from random import Random

from embudo.demo.journey import journey
from embudo.demo.sales import Promoters
from embudo.demo.scenario import cast
from embudo.demo.seasons import DAY, add_months, arrivals_by_day, utc
from embudo.demo.steps import Command, LeadCommand, Message, Step
from embudo.domain.spec import FunnelSpec

__all__ = ["Command", "LeadCommand", "Message", "Step", "simulate"]

Pending = list[tuple[datetime, int, Step]]


def simulate(
    spec: FunnelSpec, *, contacts: int, seed: int, start: datetime, months: int = 12
) -> Iterator[Step]:
    """Messages and commands of `contacts` visitors over `months` from `start`, in time order."""
    rng = Random(seed)
    start = utc(start)
    end = add_months(start, months)
    scenario = cast(spec, rng, seed=seed, contacts=contacts, end=end)
    pending: Pending = []
    promoters = Promoters()
    order, numbers, ids = count(), count(), count()
    for day, arrivals in arrivals_by_day(rng, contacts, start, end):
        for arrival in arrivals:
            for at, step in journey(scenario, rng, next(numbers), arrival, promoters):
                heapq.heappush(pending, (at, next(order), step))
        yield from _release(pending, day + DAY, seed, ids)
    yield from _release(pending, end + DAY, seed, ids)


def _release(pending: Pending, before: datetime, seed: int, ids: count[int]) -> Iterator[Step]:
    """Pop, in time order, the steps that happen before `before`, numbering the messages."""
    while pending and pending[0][0] < before:
        step = heapq.heappop(pending)[2]
        if isinstance(step, dict):
            step["messageId"] = f"demo-{seed}-{next(ids)}"
        yield step
