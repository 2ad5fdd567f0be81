"""The report cache's rows, and the store's data version that tells when they are stale.

A cached result is valid for the data version it was computed at. The
version is read in one statement of index-only lookups, cheap at any size:
the highest id of every table the cached reports read (history is appended,
so any new row raises one) and the latest of the in-place changes those
reports see (a task completed, a deal edited — indexed since migration
0008). It is the whole store's, not one workspace's: a write in another
workspace costs a recomputation, never a wrong figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, delete, func, or_, select, update

from embudo.store.tables import (
    contacts,
    deal_stage_history,
    deals,
    events,
    identities,
    lifecycle_transitions,
    owner_assignments,
    report_cache,
    sla_breaches,
    spec_versions,
    tasks,
    users,
)
from embudo.store.upsert import insert_or

APPENDED: tuple[Table, ...] = (
    contacts,
    identities,
    events,
    lifecycle_transitions,
    owner_assignments,
    tasks,
    sla_breaches,
    deals,
    deal_stage_history,
    users,
    spec_versions,
)
"""Tables whose highest id is part of the version: what the overview's reports and alerts read."""

CHANGED = (tasks.c.completed_at, deals.c.updated_at)
"""Columns updated in place that those reports read, each indexed, read as their maximum."""

PENDING = ""
"""The result text of a row whose first computation is claimed and not yet done."""
FAILED = "!"
"""The start of the result text of a row whose computation failed (the rest says why):
encoded results are JSON, which never starts with it."""


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A stored result: the version it was computed at, when, and the encoded result."""

    data_version: str
    computed_at: datetime
    result: str

    @property
    def pending(self) -> bool:
        """Whether this row only claims a first computation, still running."""
        return self.result == PENDING

    @property
    def failure(self) -> str | None:
        """What went wrong, when this row records a failed computation instead of a result."""
        return self.result.removeprefix(FAILED) if self.result.startswith(FAILED) else None


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Which result: a workspace, a report and its parameters (`key` digests the last two)."""

    workspace_id: int
    key: str
    report: str
    params: str


_VERSION = select(
    *[select(func.max(table.c.id)).scalar_subquery() for table in APPENDED],
    *[select(func.max(column)).scalar_subquery() for column in CHANGED],
)
"""Built once: on a warm page, building the statement would cost more than running it."""


def data_version(conn: Connection) -> str:
    """The store's data version: equal twice only if nothing the reports read changed between."""
    row = conn.execute(_VERSION).one()
    return "|".join("" if value is None else str(value) for value in row)


def read_entry(conn: Connection, key: CacheKey) -> CacheEntry | None:
    """The stored result for `key`, if any."""
    columns = report_cache.c
    row = conn.execute(
        select(columns.data_version, columns.computed_at, columns.result).where(
            columns.workspace_id == key.workspace_id, columns.key == key.key
        )
    ).one_or_none()
    return None if row is None else CacheEntry(row.data_version, row.computed_at, row.result)


def latest_result(
    conn: Connection, workspace_id: int, keys: Sequence[CacheKey]
) -> CacheEntry | None:
    """The most recently computed result among `keys` (the same report on earlier days),
    skipping pending and failed rows; one lookup of at most a few keys on the unique index."""
    columns = report_cache.c
    row = conn.execute(
        select(columns.data_version, columns.computed_at, columns.result)
        .where(
            columns.workspace_id == workspace_id,
            columns.key.in_([key.key for key in keys]),
            columns.result != PENDING,
            ~columns.result.startswith(FAILED, autoescape=True),
        )
        .order_by(columns.computed_at.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else CacheEntry(row.data_version, row.computed_at, row.result)


def store_entry(conn: Connection, key: CacheKey, entry: CacheEntry) -> None:
    """Keep `entry` as the result for `key` (replacing the one before) and release its claim."""
    values: dict[str, Any] = {
        "data_version": entry.data_version,
        "computed_at": entry.computed_at,
        "result": entry.result,
        "refresh_started_at": None,
    }
    row = {"workspace_id": key.workspace_id, "key": key.key, "report": key.report}
    statement = insert_or(conn, report_cache).values(**row, params=key.params, **values)
    conn.execute(
        statement.on_conflict_do_update(index_elements=["workspace_id", "key"], set_=values)
    )


def claim_first(conn: Connection, key: CacheKey, now: datetime, timeout: timedelta) -> bool:
    """Claim the first computation of `key`'s result, which has none: add its pending row, or
    take over one whose claim is older than `timeout`; False while another one holds it."""
    row = {"workspace_id": key.workspace_id, "key": key.key, "report": key.report}
    pending = {"data_version": PENDING, "computed_at": now, "result": PENDING}
    added = conn.execute(
        insert_or(conn, report_cache)
        .values(**row, params=key.params, **pending, refresh_started_at=now)
        .on_conflict_do_nothing(index_elements=["workspace_id", "key"])
        .returning(report_cache.c.id)
    )
    if added.first() is not None:  # rowcount is not reliable for an insert that may do nothing
        return True
    return _claim(conn, key, now, timeout, report_cache.c.result == PENDING)


def drop_pending(conn: Connection, key: CacheKey) -> None:
    """Remove `key`'s pending row (its computation will not run), so the next request claims it."""
    columns = report_cache.c
    conn.execute(
        delete(report_cache).where(
            columns.workspace_id == key.workspace_id,
            columns.key == key.key,
            columns.result == PENDING,
        )
    )


def claim_refresh(
    conn: Connection,
    key: CacheKey,
    now: datetime,
    timeout: timedelta,
    *,
    min_interval: timedelta = timedelta(0),
) -> bool:
    """Claim the recomputation of `key`'s result; False while another one, younger than
    `timeout`, holds it, while the stored one is younger than `min_interval` (another
    process just recomputed it), or when nothing is stored for `key` yet."""
    return _claim(conn, key, now, timeout, report_cache.c.computed_at <= now - min_interval)


def _claim(
    conn: Connection,
    key: CacheKey,
    now: datetime,
    timeout: timedelta,
    condition: ColumnElement[bool],
) -> bool:
    """Mark `key`'s row claimed at `now` when `condition` holds and no claim younger than
    `timeout` holds it; whether this call claimed it."""
    columns = report_cache.c
    claimed = conn.execute(
        update(report_cache)
        .where(
            columns.workspace_id == key.workspace_id,
            columns.key == key.key,
            or_(columns.refresh_started_at.is_(None), columns.refresh_started_at < now - timeout),
            condition,
        )
        .values(refresh_started_at=now)
    )
    return claimed.rowcount == 1


def release_claim(conn: Connection, key: CacheKey) -> None:
    """Give a claim up (the recomputation failed), so the next request may try again."""
    columns = report_cache.c
    conn.execute(
        update(report_cache)
        .where(columns.workspace_id == key.workspace_id, columns.key == key.key)
        .values(refresh_started_at=None)
    )


def remove_unread(conn: Connection, before: datetime) -> int:
    """Delete the results, of every workspace, last computed before `before`; how many.

    Reading a result older than the cache's maximum age recomputes it, so one
    computed long ago has not been read since: a past day's, a filter nobody
    uses any more. One still claimed is left to its recomputation.
    """
    columns = report_cache.c
    done = conn.execute(
        delete(report_cache).where(
            columns.computed_at < before, columns.refresh_started_at.is_(None)
        )
    )
    return done.rowcount
