"""Workspaces and the versions of their funnel definition.

Each applied `embudo.yaml` is stored as a new version; the engine always runs
on the latest, and every ledger row and transition records the version that
caused it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from embudo.domain.errors import NotFound, SpecError
from embudo.domain.spec import FunnelSpec
from embudo.domain.spec_check import problems
from embudo.store.tables import contacts, spec_versions, workspaces


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace with the funnel definition currently in force."""

    id: int
    name: str
    spec: FunnelSpec
    spec_version_id: int
    version: int


@dataclass(frozen=True, slots=True)
class Applied:
    version: int
    changed: bool


def open_workspace(conn: Connection, name: str) -> Workspace:
    """The workspace and its latest funnel definition, or what to run to make them."""
    workspace_id = _workspace_id(conn, name)
    if workspace_id is None:
        raise NotFound(
            f"no workspace '{name}' in this database — run: embudo init --template NAME "
            f"--workspace {name} (or embudo apply FILE --workspace {name})"
        )
    latest = _latest(conn, workspace_id)
    if latest is None:
        raise NotFound(f"workspace '{name}' has no funnel definition — run: embudo apply FILE")
    spec = FunnelSpec.model_validate(latest.document)
    return Workspace(workspace_id, name, spec, latest.id, latest.version)


def apply_spec(
    conn: Connection,
    name: str,
    document: dict[str, Any],
    source: str,
    *,
    now: datetime,
    actor: str | None = None,
) -> Applied:
    """Store `document` as the workspace's next version, unless it is the one in force."""
    spec = _valid(document)
    workspace_id = _workspace_id(conn, name) or _create(conn, name, spec.timezone, now)
    checksum = _checksum(document)
    latest = _latest(conn, workspace_id)
    if latest is not None and latest.checksum == checksum:
        return Applied(latest.version, changed=False)
    _refuse_orphaned_contacts(conn, workspace_id, spec)
    version = 1 if latest is None else latest.version + 1
    conn.execute(
        insert(spec_versions).values(
            workspace_id=workspace_id,
            version=version,
            document=document,
            source=source,
            checksum=checksum,
            applied_at=now,
            applied_by=actor,
        )
    )
    return Applied(version, changed=True)


def _valid(document: dict[str, Any]) -> FunnelSpec:
    spec = FunnelSpec.model_validate(document)
    found = problems(spec)
    if found:
        raise SpecError([f"{'.'.join(map(str, p.path))}: {p.message}" for p in found])
    return spec


def _refuse_orphaned_contacts(conn: Connection, workspace_id: int, spec: FunnelSpec) -> None:
    """A stage that still holds contacts cannot disappear: their history would lose its place."""
    keys = {stage.key for stage in spec.lifecycle.stages}
    held = conn.execute(
        select(contacts.c.stage, func.count())
        .where(contacts.c.workspace_id == workspace_id, contacts.c.stage.not_in(keys))
        .group_by(contacts.c.stage)
    ).all()
    if held:
        raise SpecError(
            [
                f"lifecycle.stages: stage '{stage}' is removed but {count} contact(s) are in it "
                "— keep the stage, or move those contacts out first"
                for stage, count in held
            ]
        )


def _workspace_id(conn: Connection, name: str) -> int | None:
    return conn.scalar(select(workspaces.c.id).where(workspaces.c.name == name))


def _create(conn: Connection, name: str, timezone: str, now: datetime) -> int:
    row = insert(workspaces).values(name=name, timezone=timezone, created_at=now)
    return int(conn.execute(row.returning(workspaces.c.id)).scalar_one())


def _latest(conn: Connection, workspace_id: int) -> Any:
    return conn.execute(
        select(spec_versions)
        .where(spec_versions.c.workspace_id == workspace_id)
        .order_by(spec_versions.c.version.desc())
        .limit(1)
    ).first()


def _checksum(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
