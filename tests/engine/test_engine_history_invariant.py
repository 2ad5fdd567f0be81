"""After a realistic stream, every contact's caches say what its history says."""

from __future__ import annotations

from random import Random

from funnel_support import (
    NOW,
    Message,
    at,
    feed,
    group,
    identify,
    install,
    live_contacts,
    page,
    track,
    workspace,
)
from invariants import history_violations
from sqlalchemy import Engine, func, select

from embudo.domain.errors import MoveNotAllowed, NotFound
from embudo.domain.spec import MoveKind
from embudo.engine.moves import move_contact
from embudo.store import schema
from embudo.store.tables import lifecycle_visits
from embudo.store.workspaces import Workspace

FUNNEL_EVENTS = ("webinar_registered", "webinar_watched", "trial_started", "price_list_downloaded")


def _person(rng: Random, n: int) -> list[Message]:
    """One person's journey: anonymous pages, maybe a sign-up, a second device, some events."""
    user, anon, start = f"u{n}", f"a{n}", rng.uniform(0, 60)
    messages = [
        page(f"{n}-p{k}", at(start + k * rng.uniform(0.01, 2)), anon=anon, path="/blog")
        for k in range(rng.randint(1, 5))
    ]
    if rng.random() < 0.3:
        return messages
    domain = "competitor.example" if rng.random() < 0.05 else "example.com"
    country = rng.choice(["ES", "IT", "FR", "DE"])
    when = start + rng.uniform(0, 5)
    messages.append(
        identify(
            f"{n}-i", at(when), anon=anon, user=user, email=f"{user}@{domain}", country=country
        )
    )
    if rng.random() < 0.2:
        phone = f"phone{n}"
        messages += [
            page(f"{n}-m", at(when + 1), anon=phone),
            identify(f"{n}-mi", at(when + 2), anon=phone, user=user),
        ]
    if rng.random() < 0.2:
        messages.append(group(f"{n}-g", at(when + 1), user=user, group_id=f"c{n % 7}", size=n))
    for k, event in enumerate(FUNNEL_EVENTS):
        if rng.random() < 0.6 - k * 0.1:
            messages.append(track(f"{n}-e{k}", event, at(when + rng.uniform(0, 40)), user=user))
    if rng.random() < 0.1:
        messages.append(identify(f"{n}-c", at(when + 20), user=user, country="IT"))
    if rng.random() < 0.1:
        messages.append(track(f"{n}-x", "newsletter_unsubscribed", at(when + 30), user=user))
    return messages


def test_caches_match_history_after_a_realistic_stream(store: Engine) -> None:
    ws = _realistic_history(store)

    stages = {row.stage for row in live_contacts(store)}
    assert {"visitor", "lead", "mql", "sql", "nurture", "disqualified"} <= stages
    assert history_violations(store, ws.id) == []


def test_the_upgrade_to_0012_writes_the_visits_of_the_history_already_stored(
    store: Engine,
) -> None:
    ws = _realistic_history(store)
    schema.downgrade(store, "0011")

    schema.upgrade(store)

    with store.connect() as conn:
        visits = conn.scalar(select(func.count()).select_from(lifecycle_visits))
    assert visits is not None and visits > 300
    assert history_violations(store, ws.id) == []


def _realistic_history(store: Engine) -> Workspace:
    """300 people, half their messages late and shuffled, some recycled by a person between."""
    rng = Random(20240301)
    stream = [message for n in range(300) for message in _person(rng, n)]
    install(store)
    first, rest = stream[: len(stream) // 2], stream[len(stream) // 2 :]
    first.sort(key=lambda m: str(m["timestamp"]))
    rng.shuffle(rest)  # half in time order, half late and out of order
    feed(store, first, batch_size=250, now=at(70))
    ws = workspace(store)
    moved = 0
    with store.begin() as conn:
        for n in range(0, 300, 9):
            try:
                move_contact(
                    conn,
                    ws,
                    f"u{n}",
                    MoveKind.RECYCLE,
                    at=at(70),
                    actor="rep",
                    reason=None,
                    now=NOW,
                )
                moved += 1
            except (MoveNotAllowed, NotFound):  # not an MQL yet, or never signed up
                continue
    feed(store, rest, batch_size=97, now=at(120))
    assert moved > 3
    return ws
