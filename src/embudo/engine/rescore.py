"""Set-based rescoring: bring every contact's cached score to what the ledger says now.

Engagement points decay with time, so a score cached at ingestion grows stale.
One UPDATE recomputes both kinds' caches from the ledger in the database —
no row is read into Python — and a second adds them up, so each sum is
computed once per contact rather than again for the total:
    engagement = sum(points * 0.5 ** min(age_days / half_life_days, MAX_HALVINGS))
                                                            (entries up to now)
    fit        = sum(points)
    score      = engagement + fit
The same formula as `domain.scoring.decayed`, clamp included: the history
invariant wants the cached score equal to the ledger summed in Python.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    update,
)

from embudo.domain.scoring import MAX_HALVINGS
from embudo.store.tables import contacts, score_ledger
from embudo.store.types import UtcDateTime


def rescore(conn: Connection, workspace_id: int, now: datetime) -> int:
    """Recompute all cached scores of a workspace as of `now`; returns contacts updated."""
    return refresh(conn, contacts.c.workspace_id == workspace_id, now)


def refresh(conn: Connection, which: ColumnElement[bool], now: datetime) -> int:
    """Recompute the cached scores of the contacts `which` selects, as of `now`."""
    moment = literal(now, UtcDateTime)
    engagement = _sum(conn, "engagement", _decayed(conn, moment), moment)
    fit = _sum(conn, "fit", score_ledger.c.points, moment)
    result = conn.execute(
        update(contacts)
        .where(which)
        .values(engagement_score=engagement, fit_score=fit, scored_at=moment)
    )
    total = contacts.c.engagement_score + contacts.c.fit_score
    conn.execute(update(contacts).where(which).values(score=total))
    return int(result.rowcount)


def _sum(
    conn: Connection, kind: str, value: ColumnElement[float], moment: ColumnElement[datetime]
) -> ColumnElement[float]:
    return (
        select(func.coalesce(func.sum(value), 0.0))
        .where(
            and_(
                score_ledger.c.contact_id == contacts.c.id,
                score_ledger.c.kind == kind,
                score_ledger.c.occurred_at <= moment,
            )
        )
        .scalar_subquery()
    )


def _decayed(conn: Connection, moment: ColumnElement[datetime]) -> ColumnElement[float]:
    age = _days_between(conn, score_ledger.c.occurred_at, moment)
    half_life = score_ledger.c.half_life_days
    return case(
        (half_life.is_(None), score_ledger.c.points),
        else_=score_ledger.c.points * func.power(0.5, _at_most(age / half_life, MAX_HALVINGS)),
    )


def _at_most(value: ColumnElement[float], bound: float) -> ColumnElement[float]:
    """`value` clamped to `bound`, portably (SQLite has no `least`)."""
    return case((value > bound, literal(bound, Float[float]())), else_=value)


def _days_between(
    conn: Connection, start: ColumnElement[datetime], end: ColumnElement[datetime]
) -> ColumnElement[float]:
    if conn.dialect.name == "sqlite":
        return cast(func.julianday(end) - func.julianday(start), Float[float]())
    return cast(extract("epoch", end - start), Float[float]()) / 86_400.0
