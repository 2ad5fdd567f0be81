"""Applying a funnel definition: each changed `embudo.yaml` becomes a new version.

The engine always runs on the latest version, and every ledger row and
transition records the version that caused it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from embudo.domain.errors import SpecError
from embudo.domain.spec import FunnelSpec
from embudo.domain.spec_check import problems
from embudo.engine.pipeline_changes import move_mapped_deals, refuse_orphaned_deals
from embudo.store.tables import contacts, spec_versions, workspaces
from embudo.store.workspaces import Workspace, latest_version, open_workspace, workspace_id_of


@dataclass(frozen=True, slots=True)
class Applied:
    version: int
    changed: bool


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
    workspace_id = workspace_id_of(conn, name) or _create(conn, name, spec.timezone, now)
    checksum = _checksum(document)
    latest = latest_version(conn, workspace_id)
    if latest is not None and latest.checksum == checksum:
        return Applied(latest.version, changed=False)
    _refuse_orphaned_contacts(conn, workspace_id, spec)
    version = 1 if latest is None else latest.version + 1
    version_id = conn.execute(
        insert(spec_versions)
        .values(
            workspace_id=workspace_id,
            version=version,
            document=document,
            source=source,
            checksum=checksum,
            applied_at=now,
            applied_by=actor,
        )
        .returning(spec_versions.c.id)
    ).scalar_one()
    move_mapped_deals(conn, workspace_id, spec, (version_id, version), actor, now)
    refuse_orphaned_deals(conn, workspace_id, spec)
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


def _create(conn: Connection, name: str, timezone: str, now: datetime) -> int:
    row = insert(workspaces).values(name=name, timezone=timezone, created_at=now)
    return int(conn.execute(row.returning(workspaces.c.id)).scalar_one())


def _checksum(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


__all__ = ["Applied", "Workspace", "apply_spec", "open_workspace"]
