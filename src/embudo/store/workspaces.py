"""Reading a workspace and the funnel definition in force.

Each applied `embudo.yaml` is a version row; the newest is the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from embudo.domain.errors import NotFound
from embudo.domain.spec import FunnelSpec
from embudo.store.tables import spec_versions, workspaces


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace with the funnel definition currently in force."""

    id: int
    name: str
    spec: FunnelSpec
    spec_version_id: int
    version: int


def open_workspace(conn: Connection, name: str) -> Workspace:
    """The workspace and its latest funnel definition, or what to run to make them."""
    workspace_id = workspace_id_of(conn, name)
    if workspace_id is None:
        raise NotFound(
            f"no workspace '{name}' in this database — run: embudo init --template NAME "
            f"--workspace {name} (or embudo apply FILE --workspace {name})"
        )
    latest = latest_version(conn, workspace_id)
    if latest is None:
        raise NotFound(f"workspace '{name}' has no funnel definition — run: embudo apply FILE")
    spec = FunnelSpec.model_validate(latest.document)
    return Workspace(workspace_id, name, spec, latest.id, latest.version)


def workspace_id_of(conn: Connection, name: str) -> int | None:
    return conn.scalar(select(workspaces.c.id).where(workspaces.c.name == name))


def workspace_name_of(conn: Connection, workspace_id: int) -> str | None:
    return conn.scalar(select(workspaces.c.name).where(workspaces.c.id == workspace_id))


def version_in_force(conn: Connection, name: str) -> int | None:
    """The id of workspace `name`'s newest definition version (the one `open_workspace` picks),
    in one indexed lookup: how a process tells whether what it opened is still current."""
    return conn.scalar(
        select(spec_versions.c.id)
        .join(workspaces, workspaces.c.id == spec_versions.c.workspace_id)
        .where(workspaces.c.name == name)
        .order_by(spec_versions.c.version.desc())
        .limit(1)
    )


def latest_version(conn: Connection, workspace_id: int) -> Any:
    """The newest spec version row of a workspace, or None."""
    return conn.execute(
        select(spec_versions)
        .where(spec_versions.c.workspace_id == workspace_id)
        .order_by(spec_versions.c.version.desc())
        .limit(1)
    ).first()


def workspace_names(conn: Connection) -> list[str]:
    """Every workspace's name, alphabetically: what a workspace switch offers."""
    return list(conn.scalars(select(workspaces.c.name).order_by(workspaces.c.name)))
