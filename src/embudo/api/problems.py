"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API answers, ours or FastAPI's (validation, unknown route,
wrong method), has the same shape: `type`, `title`, `status`, `detail`,
`instance`, plus `code` (embudo's stable error code) and `errors` (one entry
per bad field). `type` is a URN: it names the problem without promising a
page to fetch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

from embudo.domain.errors import (
    DatabaseNotReady,
    EmbudoError,
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PlaybookLoop,
    SpecError,
    TooManyAttempts,
)

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
STATUS_OF: tuple[tuple[type[EmbudoError], int], ...] = (
    (NotFound, 404),
    (SpecError, 422),
    (InvalidInput, 422),
    (MoveNotAllowed, 409),
    (PlaybookLoop, 409),
    (DatabaseNotReady, 503),
    (TooManyAttempts, 429),
)


class FieldError(BaseModel):
    """One bad field: where (`loc`, as in FastAPI) and what is wrong."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raised by the API layer for an error that is not the library's (auth, limits, body)."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers


def problem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The response for one problem."""
    body = Problem(
        type=f"urn:embudo:problem:{code}",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        errors=errors,
    )
    content = body.model_dump(exclude_none=True)
    return JSONResponse(
        content, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {})
    )


@contextmanager
def named_in_body() -> Iterator[None]:
    """Within: something missing was named by the request body, not the URL, so it is
    a 422 (the body is wrong), not a 404 (the resource is not there)."""
    try:
        yield
    except NotFound as error:
        raise InvalidInput(str(error)) from error


def status_of(error: EmbudoError) -> int:
    """The HTTP status of a library error: the first family it belongs to, else 400."""
    return next((status for kind, status in STATUS_OF if isinstance(error, kind)), 400)


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem(request, error.status, error.code, error.detail, headers=error.headers)


async def _on_embudo(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, EmbudoError)
    errors = None
    if isinstance(error, SpecError):
        errors = [FieldError(loc=["body"], msg=line, type=error.code) for line in error.problems]
    return problem(request, status_of(error), error.code, str(error), errors)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own errors; one that wraps ours (a body cut short
    for its size while FastAPI read it) is ours."""
    assert isinstance(error, HTTPException)
    if isinstance(error.__cause__, ProblemError):
        return await _on_problem(request, error.__cause__)
    code = "http." + TITLES.get(error.status_code, "error").lower().replace(" ", "_")
    detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "")
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = _allowed(request)
    return problem(request, error.status_code, code, detail, headers=headers)


def _allowed(request: Request) -> str:
    """Every method of the path (Starlette names only those of the first route matching it)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE and isinstance(route, APIRoute):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, as a problem; a body that is not JSON at all is a 400."""
    assert isinstance(error, RequestValidationError)
    fields = [_field(item) for item in error.errors()]
    if any(item.type == "json_invalid" for item in fields):
        return problem(request, 400, "body.malformed", "the body is not valid JSON", fields)
    detail = "; ".join(f"{'.'.join(map(str, item.loc))}: {item.msg}" for item in fields)
    return problem(request, 422, "input.invalid", detail, fields)


def _field(item: Any) -> FieldError:
    loc = [part if isinstance(part, int) else str(part) for part in item.get("loc", ())]
    return FieldError(loc=loc, msg=str(item.get("msg", "")), type=str(item.get("type", "")))


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    """A bug: still a problem document, never a stack trace."""
    return problem(request, 500, "internal", "an unexpected error; nothing was changed")


def install(app: FastAPI) -> None:
    """Make every error of `app` a problem document."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(EmbudoError, _on_embudo)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(Exception, _on_unexpected)


def _documented(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        "model": Problem,
        "description": description,
        "content": {MEDIA_TYPE: {"schema": schema}},
    }


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: _documented(TITLES[status]) for status in (400, 401, 403, 404, 409, 413, 422)
}
"""The error responses every route may give, for the OpenAPI document."""
