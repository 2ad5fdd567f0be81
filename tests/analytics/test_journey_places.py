"""`journeys.placed`: each touch's place in its journey, worked out over whole columns, is what
ordering each deal's touches one by one gives.

A deal's touches are ordered by moment, then event id; the journey's touch
count, how many touches came at or before each milestone (none for a
milestone never reached), the touch's position and its age less the
youngest touch's are checked against a plain per-deal computation.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from embudo.analytics.journeys import TOUCHES, placed

Touch = tuple[int, int, int | None, int | None, int, int, int | None, int | None]
"""deal_id, units, lead_s, opened_s, touch_s, event_id, channel_id, campaign_id."""

moments = st.integers(0, 50)
maybe_moment = st.none() | moments


@st.composite
def touches(draw: st.DrawFn) -> list[Touch]:
    """A few deals' touches, in any order, moments often tied; a deal's milestones and units
    are its own, the same on each of its touches."""
    found: list[Touch] = []
    event = 0
    for deal in range(draw(st.integers(0, 6))):
        units, lead, opened = draw(st.integers(0, 10**6)), draw(maybe_moment), draw(maybe_moment)
        for _ in range(draw(st.integers(1, 5))):
            event += draw(st.integers(0, 1))  # a stand-in's id 0 may repeat
            channel = draw(st.none() | st.integers(1, 3))
            found.append((deal, units, lead, opened, draw(moments), event, channel, None))
    return draw(st.permutations(found))


@settings(deadline=None)
@given(touches())
def test_each_touch_is_placed_as_ordering_its_deal_one_by_one_places_it(
    rows: list[Touch],
) -> None:
    table = pa.table(
        {
            name: pa.array([row[index] for row in rows], pa.int64())
            for index, name in enumerate(TOUCHES)
        }
    )
    found = placed(table).to_pylist()
    assert sorted(_key(row) for row in found) == sorted(_expected(rows))


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    names = ("deal_id", "units", "touch_count", "lead_touches", "opportunity_touches")
    return (*(row[name] for name in names), row["position"], row["difference"], row["channel_id"])


def _expected(rows: list[Touch]) -> list[tuple[Any, ...]]:
    found = []
    for deal in {row[0] for row in rows}:
        journey = sorted((row for row in rows if row[0] == deal), key=lambda row: (row[4], row[5]))
        newest = max(row[4] for row in journey)
        lead, opened = journey[0][2], journey[0][3]
        before = [
            sum(1 for row in journey if at is not None and row[4] <= at) for at in (lead, opened)
        ]
        for position, row in enumerate(journey):
            found.append((deal, row[1], len(journey), *before, position, newest - row[4], row[6]))
    return found
