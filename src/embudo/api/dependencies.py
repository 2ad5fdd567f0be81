"""What a route asks for, as `Annotated` aliases: the store, the caller, the workspace, the time.

One request is one transaction (`SessionDep`): it commits when the route
returns and rolls back when it raises, so a refused request changes nothing.
The workspace is the one the API key belongs to; a key of another workspace
never sees this one's objects (they are 404, not 403: nothing leaks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from embudo.api.inbox_drainer import InboxDrainer
from embudo.api.problems import ProblemError
from embudo.domain.access import Permission, allows
from embudo.engine.opened_workspaces import OpenedWorkspaces
from embudo.store.api_keys import ApiKey, find_key
from embudo.store.workspaces import Workspace, open_workspace

bearer = HTTPBearer(
    auto_error=False, description="An API key: `embudo apikey create NAME --role read`"
)


def single_valued_query(request: Request) -> None:
    """Refuse a query parameter given twice (`?stage=a&stage=b`): no parameter of this
    API takes a list, and silently keeping one of the values would answer another question."""
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        detail = f"give each query parameter once: {', '.join(repeated)} repeated"
        raise ProblemError(422, "input.invalid", detail)


READS = frozenset({"GET", "HEAD", "OPTIONS"})


def store_engine(request: Request) -> Engine:
    """The engine a request works with: one that writes (`for_writing`) unless it only reads."""
    engine: Engine = (
        request.app.state.engine if request.method in READS else request.app.state.writer
    )
    return engine


EngineDep = Annotated[Engine, Depends(store_engine)]


def opened_workspaces(request: Request) -> OpenedWorkspaces:
    """The workspaces this process keeps open for intake (see `engine.opened_workspaces`)."""
    opened: OpenedWorkspaces = request.app.state.opened
    return opened


OpenedDep = Annotated[OpenedWorkspaces, Depends(opened_workspaces)]


def inbox_drainer(request: Request) -> InboxDrainer:
    """This process's background applier of queued intake batches (`api.inbox_drainer`)."""
    drainer: InboxDrainer = request.app.state.drainer
    return drainer


DrainerDep = Annotated[InboxDrainer, Depends(inbox_drainer)]


def session(engine: EngineDep) -> Iterator[Connection]:
    with engine.begin() as conn:
        yield conn


SessionDep = Annotated[Connection, Depends(session, scope="function")]
"""Scoped to the route function, so the commit happens before the answer leaves: a
client told 200 can read its write at once, and a failed commit is an error answer."""


def clock() -> datetime:
    """The one place the API reads the time; everything below takes `now`."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(clock)]


def unauthorized(detail: str, scheme: str) -> ProblemError:
    return ProblemError(401, "auth.invalid_key", detail, {"WWW-Authenticate": scheme})


def caller(
    conn: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKey:
    """The API key presented as `Authorization: Bearer KEY`."""
    if credentials is None:
        raise unauthorized("send an API key: Authorization: Bearer KEY", "Bearer")
    key = find_key(conn, credentials.credentials)
    if key is None:
        raise unauthorized("the API key is unknown or revoked", "Bearer")
    return key


CallerDep = Annotated[ApiKey, Depends(caller)]


def actor(key: CallerDep) -> str:
    """Who made a change, as history records it: the key's name."""
    return f"api:{key.name}"


ActorDep = Annotated[str, Depends(actor)]


def _workspace(needed: Permission) -> Callable[[Connection, ApiKey], Workspace]:
    def dependency(conn: SessionDep, key: CallerDep) -> Workspace:
        if not allows(key.role, needed):
            detail = f"a {key.role} key may not {needed}: use a key with a wider role"
            raise ProblemError(403, "auth.forbidden", detail)
        return open_workspace(conn, key.workspace)

    return dependency


ReadingDep = Annotated[Workspace, Depends(_workspace(Permission.READ))]
WritingDep = Annotated[Workspace, Depends(_workspace(Permission.WRITE))]
ConfiguringDep = Annotated[Workspace, Depends(_workspace(Permission.CONFIGURE))]
