"""The first touch and the first and last times a contact was seen, whatever the batches.

Most contacts of a batch are read without their older events (nothing they
did can change their stage or profile), so these caches must come out the
same as when every event is read back.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from funnel_support import Message, at, contact_id, feed, identify, install, page, track
from sqlalchemy import Engine, select

from embudo.store.tables import campaigns, channels, contacts


def _with_campaign(message: Message, name: str, medium: str) -> Message:
    return {**message, "context": {"campaign": {"name": name, "source": "x", "medium": medium}}}


def _journey() -> list[Message]:
    """No campaign at first, then two campaigns, then pages and a webinar without one."""
    return [
        page("p0", at(0), user="u1"),
        identify("i", at(1), user="u1", email="ana@example.com"),
        _with_campaign(page("p2", at(2), user="u1"), "spring", "email"),
        _with_campaign(track("r", "webinar_registered", at(3), user="u1"), "summer", "cpc"),
        page("p4", at(4), user="u1"),
        track("w", "webinar_watched", at(5), user="u1"),
        _with_campaign(page("p6", at(6), user="u1"), "autumn", "cpc"),
    ]


def _touch(store: Engine, name: str) -> dict[str, Any]:
    cid = contact_id(store, "u1", name)
    query = (
        select(
            campaigns.c.name.label("campaign"),
            channels.c.key.label("channel"),
            contacts.c.first_seen_at,
            contacts.c.last_seen_at,
        )
        .select_from(contacts)
        .join(campaigns, campaigns.c.id == contacts.c.campaign_id)
        .join(channels, channels.c.id == contacts.c.channel_id)
        .where(contacts.c.id == cid)
    )
    with store.connect() as conn:
        return dict(conn.execute(query).one()._mapping)


def test_the_first_campaign_touch_stays_when_later_ones_come_one_at_a_time(
    store: Engine,
) -> None:
    install(store, name="whole")
    install(store, name="one_by_one")
    feed(store, _journey(), name="whole")
    feed(store, _journey(), name="one_by_one", batch_size=1)

    whole = _touch(store, "whole")
    assert (whole["campaign"], whole["first_seen_at"], whole["last_seen_at"]) == (
        "spring",
        at(0),
        at(6),
    )
    assert _touch(store, "one_by_one") == whole


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_first_touch_does_not_depend_on_arrival_order(store: Engine, seed: int) -> None:
    shuffled = _journey()
    random.Random(seed).shuffle(shuffled)
    install(store, name="ordered")
    install(store, name="shuffled")
    feed(store, _journey(), name="ordered", batch_size=1)
    feed(store, shuffled, name="shuffled", batch_size=1)

    assert _touch(store, "shuffled") == _touch(store, "ordered")
