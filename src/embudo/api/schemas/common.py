"""Shapes every resource shares: closed request bodies and pages of results."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, field_validator

from embudo.domain.messages import holds_nul

Item = TypeVar("Item")
MAX_LIMIT = 200


class Closed(BaseModel):
    """A request body that refuses unknown fields (422), so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """Refuse U+0000 in any text: PostgreSQL cannot store it (a 422, nothing written)."""
        if holds_nul(value):
            raise ValueError("a NUL character (U+0000) cannot be stored: remove it")
        return value


class Page(BaseModel, Generic[Item]):
    """One page: `next_offset` is what to pass as `offset` for the next, null on the last."""

    data: list[Item]
    limit: int
    offset: int
    next_offset: int | None


class Paging(BaseModel):
    limit: int
    offset: int

    def page(self, data: list[Item], more: bool) -> Page[Item]:
        following = self.offset + self.limit if more else None
        return Page[Item](data=data, limit=self.limit, offset=self.offset, next_offset=following)


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]
