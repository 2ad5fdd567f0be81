"""What pages write: one engine call in one transaction, on the workspace shown.

A page's action (move a deal, accept a lead, apply a definition) is the same
engine function the CLI and the REST API call, inside `engine.begin()`: it
commits when the call returns and rolls back when it raises, so a refused
action leaves nothing behind. The workspace is opened inside the transaction,
so the call runs on the definition in force at that moment. History records
the signed-in user's email as the actor (`View.actor`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from embudo.store.workspaces import Workspace, open_workspace
from embudo.web.state import View


@contextmanager
def writing(view: View) -> Iterator[tuple[Connection, Workspace]]:
    """A transaction on the store and the request's workspace as it is now."""
    with view.state.engine.begin() as conn:
        yield conn, open_workspace(conn, view.workspace)
