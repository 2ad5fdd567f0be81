"""Shapes every resource shares: closed request bodies and pages of results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.datastructures import URL

from embudo.api import cursors
from embudo.domain.errors import InvalidInput
from embudo.domain.messages import holds_unstorable
from embudo.store.keyset import Mark

Item = TypeVar("Item")
MAX_LIMIT = 200


class Closed(BaseModel):
    """A request body that refuses unknown fields (422), so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """Refuse U+0000 or an unpaired surrogate in any text: neither can be stored (a 422,
        nothing written)."""
        if holds_unstorable(value):
            raise ValueError(
                "a NUL character (U+0000) or an unpaired surrogate (\\uD800-\\uDFFF) "
                "cannot be stored: remove it"
            )
        return value


class Page(BaseModel, Generic[Item]):
    """One page, by offset or by cursor.

    By offset (`offset`, `limit`): `next_offset` is what to pass as `offset`
    for the next page, null on the last. By cursor (`cursor`, `limit`): pass
    `next_cursor` as `cursor`, or follow `next`; pages stay whole while rows
    are added. Every page but the last gives `next_cursor`, so a client may
    switch from offsets to cursors; `next_offset` only when paging by offset.
    The response's `Link: <next>; rel="next"` header (RFC 8288) says the same
    as `next`, for clients that follow links without reading the body.
    """

    data: list[Item]
    limit: int
    offset: int | None = Field(description="The offset asked for; null when paging by cursor")
    next_offset: int | None = Field(description="The next page's offset; null by cursor")
    next_cursor: str | None = Field(default=None, description="The next page's cursor (opaque)")
    next: str | None = Field(
        default=None, description="The next page's path and query: this one with the cursor"
    )


PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "Link": {
                "description": 'The next page, `<PATH?cursor=…>; rel="next"` (RFC 8288): '
                "the page's `next`; absent on the last page.",
                "schema": {"type": "string"},
            }
        }
    }
}
"""What a list route's answer carries beside its body, for the OpenAPI document."""


@dataclass(frozen=True, slots=True)
class Paging:
    """What page a request asked for: by `offset`, or after a `cursor`."""

    limit: int
    offset: int
    cursor: str | None = None
    url: URL | None = None
    """The request's, to link the next page."""
    response: Response | None = None
    """The response's headers, where the `Link` to the next page goes."""

    def after(self, sort: str = "id") -> Mark | None:
        """The place the cursor holds (made under `sort`), None without one."""
        return None if self.cursor is None else cursors.read(self.cursor, sort)

    def page(self, data: list[Item], more: bool, sort: str = "id") -> Page[Item]:
        """`data` as a page; `more` if rows follow it, in `sort` (the cursor's order)."""
        following = cursors.write(sort, data[-1]) if more and data else None
        by_offset = self.cursor is None
        link = self._link(following) if following else None
        if link is not None and self.response is not None:
            self.response.headers["Link"] = f'<{link}>; rel="next"'
        return Page[Item](
            data=data,
            limit=self.limit,
            offset=self.offset if by_offset else None,
            next_offset=self.offset + self.limit if more and by_offset else None,
            next_cursor=following,
            next=link,
        )

    def _link(self, cursor: str) -> str | None:
        if self.url is None:
            return None
        url = self.url.remove_query_params("offset").include_query_params(cursor=cursor)
        return f"{url.path}?{url.query}"


def paging(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=2000, description="Start after this `next_cursor` (not with `offset`)"),
    ] = None,
) -> Paging:
    if cursor is not None and offset:
        raise InvalidInput("give `offset` or `cursor`, not both: a cursor already holds the place")
    return Paging(limit, offset, cursor, request.url, response)


PagingDep = Annotated[Paging, Depends(paging)]
