"""`POST /v1/track|identify|page|screen|group|alias|batch`: Segment's HTTP Tracking API.

Answers as Segment does: 200 `{"success": true}` once the request is stored,
including messages that fail validation (kept as dead letters, with why:
`embudo deadletters`); 400 for a body that is not JSON, 413 over the size
limits, 401 for a missing or unknown write key. A message without `messageId`
gets one, as Segment does; resending a message with its id is a no-op.
A message with `sentAt` and `originalTimestamp` but no `timestamp` is timed
for its sender's clock skew from the moment it arrives, as Segment does
(`Message.skew_corrected`); a batch's `sentAt` is every message's that has none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header

from embudo.api.dependencies import DrainerDep, EngineDep, NowDep, OpenedDep
from embudo.api.inbox_drainer import InboxDrainer
from embudo.api.problems import PROBLEMS, ProblemError
from embudo.api.retries import retrying
from embudo.api.schemas.intake import BATCH_SCHEMA, MESSAGE_SCHEMA, Success
from embudo.api.segment_body import batch_request, one_message
from embudo.api.write_keys import intake_key
from embudo.engine.inbox import Stored, store
from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload, received

router = APIRouter(prefix="/v1", tags=["intake"], responses=PROBLEMS)
AuthorizationHeader = Annotated[str | None, Header(alias="Authorization", include_in_schema=False)]
BATCH_SOURCE = "http:/v1/batch"
SINGLE_TYPES = ("track", "identify", "page", "screen", "group", "alias")


def _with_defaults(message: Any, kind: str | None, context: Any, sent_at: Any = None) -> Any:
    """A message as the engine reads it: its type, an id, and the batch's context and
    `sentAt` if it has none."""
    if not isinstance(message, dict):
        return message
    defaults: dict[str, Any] = {"messageId": str(uuid.uuid4())}
    if isinstance(context, dict):
        defaults["context"] = context
    if sent_at is not None:
        defaults["sentAt"] = sent_at
    return {**defaults, **message, **({"type": kind} if kind else {})}


def _single(kind: str) -> Callable[..., Success]:
    def endpoint(
        engine: EngineDep,
        opened: OpenedDep,
        now: NowDep,
        body: Annotated[dict[str, Any], Depends(one_message)],
        authorization: AuthorizationHeader = None,
    ) -> Success:
        key = intake_key(engine, authorization, body)
        message = read_payload(f"http:/v1/{kind}", _with_defaults(body, kind, None))
        incoming = received([message], now)
        retrying(lambda: ingest(engine, key.workspace, incoming, now=now, opened=opened))
        return Success()

    endpoint.__name__ = kind
    endpoint.__doc__ = f"Record one `{kind}` message (Segment's `/v1/{kind}`)."
    return endpoint


def _request_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that reads its JSON itself (gzip, limits)."""
    content = {media: {"schema": schema} for media in ("application/json", "text/plain")}
    return {"requestBody": {"required": True, "content": content}}


for _kind in SINGLE_TYPES:
    router.add_api_route(
        f"/{_kind}",
        _single(_kind),
        methods=["POST"],
        response_model=Success,
        openapi_extra=_request_body(MESSAGE_SCHEMA),
    )
    router.add_api_route(f"/{_kind[0]}", _single(_kind), methods=["POST"], include_in_schema=False)


@router.post("/b", include_in_schema=False)
@router.post("/batch", openapi_extra=_request_body(BATCH_SCHEMA))
def batch(
    engine: EngineDep,
    opened: OpenedDep,
    drainer: DrainerDep,
    now: NowDep,
    body: Annotated[dict[str, Any], Depends(batch_request)],
    authorization: AuthorizationHeader = None,
) -> Success:
    """Record a Segment batch: `{"batch": [message, ...]}`, stored, then applied with those
    queued beside it (`engine.inbox`)."""
    key = intake_key(engine, authorization, body)
    items = body.get("batch")
    if not isinstance(items, list):
        raise ProblemError(400, "body.malformed", "a batch needs `batch`: a list of messages")
    context, sent_at = body.get("context"), body.get("sentAt")
    documents = [_with_defaults(item, None, context, sent_at) for item in items]
    if documents:
        stored = retrying(
            lambda: store(
                engine, opened, key.workspace_id, key.workspace, BATCH_SOURCE, documents, now
            )
        )
        _apply_own(stored, now, drainer)
    return Success()


def _apply_own(stored: Stored, now: datetime, drainer: InboxDrainer) -> None:
    """When this request got the lease: apply until its batch is, then let go, or hand the
    lease to the drainer when others queued batches meanwhile. Otherwise its batch waits for
    the holder."""
    applier = stored.applier
    if applier is None:
        return
    try:
        retrying(lambda: applier.apply_through(stored.batch_id, now))
    except BaseException:
        applier.release()
        raise
    if not applier.release_if_idle():
        drainer.take_over(applier)
