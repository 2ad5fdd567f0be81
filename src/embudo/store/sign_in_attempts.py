"""Failed sign-ins kept in the database, so every worker process counts the same ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from embudo.store.tables import sign_in_attempts


def failures_since(
    conn: Connection, workspace_id: int, subject: str, since: datetime
) -> list[datetime]:
    """When `subject` failed to sign in to the workspace after `since`, oldest first."""
    query = (
        select(sign_in_attempts.c.attempted_at)
        .where(
            sign_in_attempts.c.workspace_id == workspace_id,
            sign_in_attempts.c.subject == subject,
            sign_in_attempts.c.attempted_at > since,
        )
        .order_by(sign_in_attempts.c.attempted_at)
    )
    return list(conn.scalars(query))


def record_failure(
    conn: Connection, workspace_id: int, subjects: Iterable[str], now: datetime
) -> None:
    """One failure at `now` for each subject."""
    rows = [
        {"workspace_id": workspace_id, "subject": subject, "attempted_at": now}
        for subject in subjects
    ]
    conn.execute(insert(sign_in_attempts), rows)


def forget(conn: Connection, workspace_id: int, subject: str) -> None:
    """Clear a subject's failures: it signed in."""
    conn.execute(
        delete(sign_in_attempts).where(
            sign_in_attempts.c.workspace_id == workspace_id,
            sign_in_attempts.c.subject == subject,
        )
    )


def prune(conn: Connection, before: datetime) -> int:
    """Delete failures older than `before` in every workspace: they no longer count."""
    done = conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.attempted_at <= before))
    return done.rowcount
