"""The parameters every report shares, validated once: period, grouping, comparison, mode.

Dates are whole days in the workspace's time zone, both ends included.
`by` is one dimension (`channel`, `campaign`, `owner`, `pipeline`, `month` or
`property:NAME`, a contact trait); each report says which it supports.
`model` and `half_life` choose attribution's model and time-decay's
half-life (only `attribution` takes them).
"""

from __future__ import annotations

import math
import re
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from embudo.domain.attribution import Model
from embudo.domain.errors import InvalidInput


class Mode(StrEnum):
    """How the funnel counts: the contacts created in the period, or the entries in it."""

    COHORT = "cohort"
    PERIOD = "period"


class Compare(StrEnum):
    PREVIOUS = "previous"


class DimensionKind(StrEnum):
    CHANNEL = "channel"
    CAMPAIGN = "campaign"
    OWNER = "owner"
    PIPELINE = "pipeline"
    MONTH = "month"
    PROPERTY = "property"


EVERY_DIMENSION = frozenset(DimensionKind)
"""Everything `--by` can name; a report takes all of it or a part (`Report.dimensions`)."""


class Dimension(BaseModel):
    """What rows are grouped by; `column` is the name of its column in the result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DimensionKind
    name: str | None = None

    @property
    def column(self) -> str:
        return self.name if self.kind is DimensionKind.PROPERTY and self.name else self.kind.value

    def __str__(self) -> str:
        return f"property:{self.name}" if self.kind is DimensionKind.PROPERTY else self.kind.value


class ReportParams(BaseModel):
    """A report's parameters; `as_json()` is what the JSON output echoes back."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    by: Dimension | None = None
    compare: Compare | None = None
    mode: Mode = Mode.COHORT
    model: Model | None = None
    half_life: float | None = None
    """Time-decay's half-life in days (None: the model's own, 7)."""

    def as_json(self) -> dict[str, Any]:
        """The parameters as echoed; `model` and `half_life` only when given."""
        echoed: dict[str, Any] = {
            "from": None if self.from_ is None else self.from_.isoformat(),
            "to": None if self.to is None else self.to.isoformat(),
            "by": None if self.by is None else str(self.by),
            "compare": None if self.compare is None else self.compare.value,
            "mode": self.mode.value,
        }
        if self.model is not None:
            echoed["model"] = self.model.value
        if self.half_life is not None:
            echoed["half_life"] = self.half_life
        return echoed

    @property
    def models(self) -> list[Model]:
        """The attribution models asked for: the one given, or all six in order."""
        return list(Model) if self.model is None else [self.model]


_E = TypeVar("_E", bound=StrEnum)
_PROPERTY = re.compile(r"^property:([A-Za-z_][A-Za-z0-9_.-]{0,63})$")


def parse_params(
    start: str | None = None,
    end: str | None = None,
    by: str | None = None,
    compare: str | None = None,
    mode: str | None = None,
    model: str | None = None,
    half_life: str | None = None,
) -> ReportParams:
    """Parameters from text as a person typed them; a mistake is one clear `InvalidInput`."""
    params = ReportParams(
        from_=_date("--from", start),
        to=_date("--to", end),
        by=None if by is None else parse_dimension(by),
        compare=None if compare is None else _choice("--compare", Compare, compare),
        mode=Mode.COHORT if mode is None else _choice("--mode", Mode, mode),
        model=None if model is None else _choice("--model", Model, model),
        half_life=None if half_life is None else _days("--half-life", half_life),
    )
    _check_period(params)
    _check_half_life(params)
    return params


def parse_dimension(text: str) -> Dimension:
    """`channel`, `campaign`, `owner`, `pipeline`, `month` or `property:NAME`."""
    matched = _PROPERTY.match(text)
    if matched:
        return Dimension(kind=DimensionKind.PROPERTY, name=matched.group(1))
    if text in {kind.value for kind in DimensionKind} - {DimensionKind.PROPERTY.value}:
        return Dimension(kind=DimensionKind(text))
    raise InvalidInput(
        f"--by {text!r} is not a dimension — use channel, campaign, owner, pipeline, month "
        "or property:NAME (a contact trait, e.g. property:country)"
    )


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} '{text}' is not a date — write it like 2026-03-31") from None


def _days(option: str, text: str) -> float:
    """A number of days above 0 (a fraction is fine: 0.5 is twelve hours)."""
    try:
        days = float(text)
    except ValueError:
        days = math.nan
    if not math.isfinite(days) or days <= 0:
        raise InvalidInput(f"{option} '{text}' is not a number of days above 0 — e.g. {option} 14")
    return days


def _choice(option: str, kind: type[_E], text: str) -> _E:
    try:
        return kind(text)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{option} {text!r} is not known — use one of: {known}") from None


def _check_period(params: ReportParams) -> None:
    if params.from_ and params.to and params.from_ > params.to:
        raise InvalidInput(
            f"--from {params.from_} is after --to {params.to} — the period runs from --from to --to"
        )
    if params.compare and not (params.from_ and params.to):
        raise InvalidInput(
            "--compare previous needs --from and --to: the previous period is as long as that one"
        )


def _check_half_life(params: ReportParams) -> None:
    if params.half_life is not None and params.model not in {None, Model.TIME_DECAY}:
        raise InvalidInput(
            f"--half-life weighs time-decay only, not --model {params.model} — "
            "drop it, or use --model time-decay"
        )
