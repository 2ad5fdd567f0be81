"""Editing what a deal says about itself: title, amount, owner, expected close date.

Unlike its stage, these are not history: the deal row holds them and a change
overwrites them (the stage moves through `engine.deals`). An amount is checked
as on creation; an owner must be an active user.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update

from embudo.domain.deals import check_amount
from embudo.domain.errors import InvalidInput, NotFound
from embudo.store.tables import deals
from embudo.store.users import find_active_user
from embudo.store.workspaces import Workspace

EDITABLE = frozenset({"title", "amount", "owner", "close_on"})
MAX_TITLE = 300


def update_deal(
    conn: Connection,
    workspace: Workspace,
    deal_id: int,
    changes: Mapping[str, Any],
    *,
    now: datetime,
) -> None:
    """Apply `changes` (keys of `EDITABLE`; `owner` an email or None) to a deal of the workspace."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"deal {deal_id}: cannot change {', '.join(sorted(unknown))}")
    _lock(conn, workspace, deal_id)
    values = {
        _COLUMN[key]: _value(conn, workspace, deal_id, key, value) for key, value in changes.items()
    }
    conn.execute(update(deals).where(deals.c.id == deal_id).values(**values, updated_at=now))


_COLUMN = {
    "title": "title",
    "amount": "amount",
    "owner": "owner_id",
    "close_on": "expected_close_on",
}


def _value(conn: Connection, workspace: Workspace, deal_id: int, key: str, value: Any) -> Any:
    subject = f"deal {deal_id}"
    if key == "amount":
        return check_amount(Decimal(value), subject)
    if key == "owner":
        return None if value is None else find_active_user(conn, workspace.id, value)
    if key == "title":
        return _title(value, subject)
    if value is not None and not isinstance(value, date):
        raise InvalidInput(f"{subject}: close_on must be a date like 2026-12-31")
    return value


def _title(value: Any, subject: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TITLE:
        raise InvalidInput(f"{subject}: title must be text of at most {MAX_TITLE} characters")
    return value


def _lock(conn: Connection, workspace: Workspace, deal_id: int) -> None:
    query = select(deals.c.id).where(deals.c.workspace_id == workspace.id, deals.c.id == deal_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    if conn.scalar(query) is None:
        raise NotFound(f"no deal {deal_id} in workspace '{workspace.name}'")
