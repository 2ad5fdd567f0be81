"""Reports over HTTP: the registry, and a result as `embudo report NAME --format json` prints it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ReportInfo(BaseModel):
    """One report of the registry: what it answers and the parameters it takes."""

    name: str
    summary: str
    columns: list[str] = Field(description="Its own columns; `--by` and `compare` add labels")
    dimensions: list[str] = Field(description="What `by` it takes (`property` is property:NAME)")
    modes: list[str]
    models: list[str] = Field(
        description="Attribution models it takes as `model` (with `half-life` for time-decay);"
        " empty when it takes neither"
    )


class EchoedParams(BaseModel):
    """The parameters the report ran with, normalised (dates as YYYY-MM-DD)."""

    from_: str | None = Field(alias="from")
    to: str | None
    by: str | None
    compare: str | None
    mode: str
    model: str | None = Field(default=None, description="attribution's model, when one was asked")
    half_life: float | None = Field(default=None, description="time-decay's half-life, when given")


class ReportJson(BaseModel):
    """The CLI's JSON: rates as fractions, amounts as numbers, one object per row."""

    report: str
    params: EchoedParams
    rows: list[dict[str, Any]]
