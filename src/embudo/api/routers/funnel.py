"""`/api/v1/funnel`: the definition in force; validate a draft; apply it as the next version.

Validation tries the draft against the data in a savepoint that is always
rolled back, exactly as applying would (a stage still holding contacts or
deals cannot be removed), so `validate` and `apply` never disagree.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import Connection

from embudo.api.dependencies import ActorDep, ConfiguringDep, NowDep, ReadingDep, SessionDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.funnel import Checked, Draft, FunnelVersion
from embudo.domain.errors import NotFound
from embudo.engine.workspaces import Applied, apply_spec
from embudo.io.spec_file import parse_spec
from embudo.store.workspaces import latest_version

router = APIRouter(prefix="/api/v1/funnel", tags=["funnel"], responses=PROBLEMS)
FILENAME = "embudo.yaml"


@router.get("")
def get(conn: SessionDep, workspace: ReadingDep) -> FunnelVersion:
    """The definition in force, as applied."""
    row = latest_version(conn, workspace.id)
    if row is None:
        raise NotFound(f"workspace '{workspace.name}' has no funnel definition")
    return FunnelVersion(
        version=row.version,
        applied_at=row.applied_at,
        applied_by=row.applied_by,
        yaml=row.source,
        document=row.document,
    )


def _apply(conn: Connection, name: str, draft: Draft, actor: str, now: NowDep) -> Applied:
    loaded = parse_spec(draft.yaml, FILENAME)
    return apply_spec(conn, name, loaded.document, loaded.source, now=now, actor=actor)


@router.post("/validate")
def validate(
    conn: SessionDep, workspace: ReadingDep, actor: ActorDep, now: NowDep, body: Draft
) -> Checked:
    """Check a draft (every problem with its line) and try it on the data; apply nothing."""
    savepoint = conn.begin_nested()
    try:
        applied = _apply(conn, workspace.name, body, actor, now)
    finally:
        savepoint.rollback()
    return Checked(version=applied.version, changed=applied.changed, applied=False)


@router.put("")
def apply(
    conn: SessionDep, workspace: ConfiguringDep, actor: ActorDep, now: NowDep, body: Draft
) -> Checked:
    """Store the draft as the workspace's next version (unchanged text: same version)."""
    applied = _apply(conn, workspace.name, body, actor, now)
    return Checked(version=applied.version, changed=applied.changed, applied=applied.changed)
