"""`/api/v1/lists/{key}`: who is on a list now, since when and why (playbooks fill lists)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from embudo.analytics.lists import list_members
from embudo.api.dependencies import ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.lists import ContactList, Member

router = APIRouter(prefix="/api/v1/lists", tags=["lists"], responses=PROBLEMS)


@router.get("/{key}")
def get(
    conn: SessionDep, workspace: ReadingDep, key: Annotated[str, Path(max_length=64)]
) -> ContactList:
    """A list's open memberships, oldest first."""
    rows = list_members(conn, workspace.id, key)
    return ContactList(key=key, members=[Member.model_validate(row) for row in rows])
