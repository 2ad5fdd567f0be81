"""The workspaces an ingesting process has opened, kept while their definition is in force.

Opening a workspace reads and validates its funnel definition and reads its
channels and campaigns: several milliseconds, which an HTTP intake request
of 100 messages would otherwise pay every time. What is kept is keyed on the
id of the definition version in force, read again (one indexed lookup) by
every ingestion, so a definition applied by any process is used by the next
ingestion that begins after it commits. Channel and campaign ids are kept only
once the transaction that created them has committed (`learned`); a name not
known is looked up before it is created, so rows other processes add are
found, not duplicated.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Connection

from embudo.engine.touches import KnownTouches
from embudo.store.workspaces import Workspace, open_workspace, version_in_force


@dataclass(frozen=True, slots=True)
class Opened:
    """A workspace as last opened, and the touches known for it."""

    workspace: Workspace
    known: KnownTouches | None = None
    """None until an ingestion has read them (`Touches` reads them all then)."""


class OpenedWorkspaces:
    """Per process: each workspace opened once per definition version (thread-safe)."""

    def __init__(self) -> None:
        self._opened: dict[str, Opened] = {}
        self._lock = threading.Lock()

    def open(self, conn: Connection, name: str) -> Opened:
        """The workspace `name` with the definition in force now, opened again if it changed."""
        with self._lock:
            kept = self._opened.get(name)
        if kept is not None and kept.workspace.spec_version_id == version_in_force(conn, name):
            return kept
        opened = Opened(open_workspace(conn, name))
        with self._lock:
            self._opened[name] = opened
        return opened

    def learned(self, workspace: Workspace, known: KnownTouches) -> None:
        """Keep touches a committed transaction knows, for the definition it ran under."""
        with self._lock:
            kept = self._opened.get(workspace.name)
            if kept is None or kept.workspace.spec_version_id != workspace.spec_version_id:
                return
            before = kept.known or KnownTouches()
            merged = KnownTouches(
                {**before.channels, **known.channels}, {**before.campaigns, **known.campaigns}
            )
            self._opened[workspace.name] = Opened(kept.workspace, merged)
