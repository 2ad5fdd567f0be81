"""`/api/v1/users`: the people who own leads and deals — list, add, deactivate, activate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import Connection

from embudo.api.dependencies import ConfiguringDep, NowDep, ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.users import NewUser, User
from embudo.engine.users import add_user, set_active
from embudo.store.users import list_users, show_user

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=PROBLEMS)
UserId = Annotated[int, Path(ge=1, le=2**62)]


def _user(conn: Connection, workspace_id: int, user_id: int) -> User:
    return User.model_validate(show_user(conn, workspace_id, user_id))


@router.get("")
def list_all(conn: SessionDep, workspace: ReadingDep) -> list[User]:
    """Every user of the workspace, inactive ones too, by team then email."""
    return [User.model_validate(row) for row in list_users(conn, workspace.id)]


@router.post("", status_code=201)
def create(conn: SessionDep, workspace: ConfiguringDep, now: NowDep, body: NewUser) -> User:
    """Add an active user who can be given leads and deals (admin keys only)."""
    user_id = add_user(conn, workspace.id, body.email, name=body.name, team=body.team, now=now)
    return _user(conn, workspace.id, user_id)


@router.get("/{user_id}")
def get(conn: SessionDep, workspace: ReadingDep, user_id: UserId) -> User:
    """One user, active or not."""
    return _user(conn, workspace.id, user_id)


@router.post("/{user_id}/deactivate")
def deactivate(conn: SessionDep, workspace: ConfiguringDep, user_id: UserId) -> User:
    """Stop giving the user leads and deals; they keep what they own (again is fine)."""
    set_active(conn, workspace.id, user_id, active=False)
    return _user(conn, workspace.id, user_id)


@router.post("/{user_id}/activate")
def activate(conn: SessionDep, workspace: ConfiguringDep, user_id: UserId) -> User:
    """Give the user leads and deals again (again is fine)."""
    set_active(conn, workspace.id, user_id, active=True)
    return _user(conn, workspace.id, user_id)
