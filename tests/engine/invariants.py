"""The history invariant: the caches on `contacts` say what the history says.

For every contact of a workspace:
- `contacts.stage` is the `to_stage` of its last transition (by occurred_at, id);
- `fit_score`, `engagement_score` and `score` are the ledger summed as of
  `scored_at`, engagement decayed as `p * 0.5 ** (age_days / half_life)`;
- `lifecycle_visits` holds one row per transition, ended by the contact's
  next transition (when, after how many whole seconds, which move and reason),
  with the contact's first sales touch (a call, email or meeting done, an
  accept or a reject) from the visit's start to its next visit to the stage;
- `deal_visits` holds one row per deal move, in the deal's pipeline, ended by
  the deal's next move (when, after how many whole seconds).

Reusable by any test that ingests a stream (the demo test included): call
`history_violations` and assert it returns nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from embudo.store.tables import (
    contacts,
    deal_stage_history,
    deal_visits,
    deals,
    lifecycle_transitions,
    lifecycle_visits,
    score_ledger,
    tasks,
)

TOLERANCE = 1e-6


def decayed(points: float, half_life: float | None, occurred_at: datetime, at: datetime) -> float:
    """What a ledger entry is worth at `at`, computed here independently of the engine."""
    if occurred_at > at:
        return 0.0
    if half_life is None:
        return points
    days = (at - occurred_at).total_seconds() / 86_400.0
    return float(points * 0.5 ** (days / half_life))


def expected_scores(ledger: list[Any], at: datetime) -> tuple[float, float]:
    """(fit, engagement) that ledger rows add up to at `at`."""
    fit = sum(row.points for row in ledger if row.kind == "fit" and row.occurred_at <= at)
    engagement = sum(
        decayed(row.points, row.half_life_days, row.occurred_at, at)
        for row in ledger
        if row.kind == "engagement"
    )
    return float(fit), engagement


def history_violations(store: Engine, workspace_id: int) -> list[str]:
    """Every contact whose cached stage or scores disagree with its history, and how."""
    with store.connect() as conn:
        moves = _last_moves(conn, workspace_id)
        ledger = _ledger(conn, workspace_id)
        rows = conn.execute(select(contacts).where(contacts.c.workspace_id == workspace_id))
        found = [
            problem
            for row in rows
            for problem in _violations(row, moves.get(row.id), ledger.get(row.id, []))
        ]
        return (
            found
            + _visit_violations(conn, workspace_id)
            + deal_visit_violations(conn, workspace_id)
        )


def _violations(row: Any, last_move: str | None, ledger: list[Any]) -> list[str]:
    found = []
    if row.stage != last_move:
        found.append(f"contact {row.id}: stage {row.stage!r}, last transition to {last_move!r}")
    fit, engagement = expected_scores(ledger, row.scored_at)
    cached = (row.fit_score, row.engagement_score, row.score)
    for name, value, want in zip(
        ("fit_score", "engagement_score", "score"),
        cached,
        (fit, engagement, fit + engagement),
        strict=True,
    ):
        if abs(value - want) > TOLERANCE:
            found.append(f"contact {row.id}: {name} {value!r}, ledger says {want!r}")
    return found


def _last_moves(conn: Connection, workspace_id: int) -> dict[int, str]:
    t = lifecycle_transitions
    rows = conn.execute(
        select(t.c.contact_id, t.c.to_stage)
        .where(t.c.workspace_id == workspace_id)
        .order_by(t.c.contact_id, t.c.occurred_at, t.c.id)
    )
    return {row.contact_id: row.to_stage for row in rows}


def _ledger(conn: Connection, workspace_id: int) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(
        select(score_ledger).where(score_ledger.c.workspace_id == workspace_id)
    ):
        found[row.contact_id].append(row)
    return found


def _visit_violations(conn: Connection, workspace_id: int) -> list[str]:
    """Every transition whose cached visit is missing or says something else, and stray rows."""
    expected = _expected_visits(conn, workspace_id)
    v = lifecycle_visits
    rows = conn.execute(select(v).where(v.c.workspace_id == workspace_id)).all()
    cached = {
        row.transition_id: (
            row.contact_id,
            row.stage,
            row.entered_at,
            row.left_at,
            row.seconds,
            row.next_move,
            row.next_reason,
            row.touched_at,
        )
        for row in rows
    }
    return _differences("transition", expected, cached)


def _expected_visits(conn: Connection, workspace_id: int) -> dict[int, tuple[Any, ...]]:
    t = lifecycle_transitions
    moves = conn.execute(
        select(t.c.id, t.c.contact_id, t.c.to_stage, t.c.occurred_at, t.c.move, t.c.reason)
        .where(t.c.workspace_id == workspace_id)
        .order_by(t.c.contact_id, t.c.occurred_at, t.c.id)
    ).all()
    touches = _touches(conn, workspace_id)
    by_contact: dict[int, list[Any]] = defaultdict(list)
    for move in moves:
        by_contact[move.contact_id].append(move)
    found = {}
    for own in by_contact.values():
        for index, move in enumerate(own):
            found[move.id] = _expected_visit(move, own[index + 1 :], touches[move.contact_id])
    return found


def _expected_visit(move: Any, later: list[Any], touches: list[datetime]) -> tuple[Any, ...]:
    """A move's visit, from the contact's later moves and its sales touches."""
    nxt = later[0] if later else None
    again = next((other.occurred_at for other in later if other.to_stage == move.to_stage), None)
    left_at = nxt.occurred_at if nxt else None
    seconds = _whole(left_at) - _whole(move.occurred_at) if left_at else None
    touched = [at for at in touches if move.occurred_at <= at and (again is None or at < again)]
    return (
        move.contact_id,
        move.to_stage,
        move.occurred_at,
        left_at,
        seconds,
        nxt.move if nxt else None,
        nxt.reason if nxt else None,
        min(touched, default=None),
    )


def _touches(conn: Connection, workspace_id: int) -> dict[int, list[datetime]]:
    """Each contact's sales touches: calls, emails and meetings done, accepts and rejects."""
    found: dict[int, list[datetime]] = defaultdict(list)
    done = conn.execute(
        select(tasks.c.contact_id, tasks.c.completed_at).where(
            tasks.c.workspace_id == workspace_id,
            tasks.c.completed_at.is_not(None),
            tasks.c.kind.in_(["call", "email", "meeting"]),
        )
    )
    t = lifecycle_transitions
    answers = conn.execute(
        select(t.c.contact_id, t.c.occurred_at).where(
            t.c.workspace_id == workspace_id, t.c.move.in_(["accept", "reject"])
        )
    )
    for contact_id, at in [*done, *answers]:
        if contact_id is not None:
            found[contact_id].append(at)
    return found


def _whole(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def deal_visit_violations(conn: Connection, workspace_id: int) -> list[str]:
    """Every deal move whose cached visit is missing or says something else, and stray rows."""
    h = deal_stage_history
    moves = conn.execute(
        select(h.c.id, h.c.deal_id, deals.c.pipeline, h.c.to_stage, h.c.occurred_at)
        .join_from(h, deals, deals.c.id == h.c.deal_id)
        .where(h.c.workspace_id == workspace_id)
        .order_by(h.c.deal_id, h.c.occurred_at, h.c.id)
    ).all()
    expected = {}
    for move, after in zip(moves, [*moves[1:], None], strict=False):  # None: no next move
        left_at = after.occurred_at if after is not None and after.deal_id == move.deal_id else None
        seconds = _whole(left_at) - _whole(move.occurred_at) if left_at else None
        expected[move.id] = (
            move.deal_id,
            move.pipeline,
            move.to_stage,
            move.occurred_at,
            left_at,
            seconds,
        )
    v = deal_visits
    cached = {
        row.history_id: (
            row.deal_id,
            row.pipeline,
            row.stage,
            row.entered_at,
            row.left_at,
            row.seconds,
        )
        for row in conn.execute(select(v).where(v.c.workspace_id == workspace_id))
    }
    return _differences("deal move", expected, cached)


def _differences(
    move: str, expected: dict[int, tuple[Any, ...]], cached: dict[int, tuple[Any, ...]]
) -> list[str]:
    """Each `move` whose cached visit is missing or differs from `expected`, and each cached
    visit of no such move."""
    return [
        f"{move} {key}: visit {cached.get(key)!r}, history says {want!r}"
        for key, want in expected.items()
        if cached.get(key) != want
    ] + [f"visit of {move} {key}: no such {move}" for key in cached.keys() - expected.keys()]
