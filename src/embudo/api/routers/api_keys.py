"""`/api/v1/api-keys`: list, issue and revoke the workspace's keys (admin keys only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from embudo.api.dependencies import ConfiguringDep, NowDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.api_keys import ApiKeyOut, IssuedApiKey, NewApiKey
from embudo.engine.api_keys import create_key, revoke_key
from embudo.store.api_keys import list_keys

router = APIRouter(prefix="/api/v1/api-keys", tags=["api keys"], responses=PROBLEMS)


@router.get("")
def list_all(conn: SessionDep, workspace: ConfiguringDep) -> list[ApiKeyOut]:
    """Every key of the workspace, revoked ones too, oldest first."""
    return [ApiKeyOut.model_validate(row) for row in list_keys(conn, workspace.id)]


@router.post("", status_code=201)
def create(
    conn: SessionDep, workspace: ConfiguringDep, now: NowDep, body: NewApiKey
) -> IssuedApiKey:
    """Issue a key; its secret is in this answer and nowhere else."""
    issued = create_key(conn, workspace.id, body.name, body.role, now=now)
    return IssuedApiKey(id=issued.id, name=issued.name, role=issued.role, secret=issued.secret)


@router.delete("/{key_id}", status_code=204)
def revoke(
    conn: SessionDep,
    workspace: ConfiguringDep,
    now: NowDep,
    key_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """Revoke a key (again is fine): requests presenting it get 401 from now on."""
    revoke_key(conn, workspace.id, key_id, now=now)
    return Response(status_code=204)
