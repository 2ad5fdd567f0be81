"""A report's parameters as a form: what the page offers, and the `ReportParams` it makes.

Only what the report takes is offered (its dimensions, its modes), so a
form can only ask for something the runner accepts; a hand-edited URL that
asks for more still gets the runner's own error, as a page. `property:NAME`
groupings are left to the CLI and the API for now (they need a trait name).
The comparison with the previous period needs a period with both ends, so it
is offered for every period but all history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from embudo.analytics.params import (
    DimensionKind,
    Mode,
    ReportParams,
    parse_dimension,
    parse_params,
)
from embudo.analytics.report import Report
from embudo.domain.errors import InvalidInput
from embudo.web.navigation import N_
from embudo.web.periods import LABELS, Period, parse_period, period_days

MODES = {
    Mode.COHORT: N_("Cohort: contacts created in the period"),
    Mode.PERIOD: N_("Entries in the period"),
}
DIMENSIONS = (
    DimensionKind.CHANNEL,
    DimensionKind.CAMPAIGN,
    DimensionKind.OWNER,
    DimensionKind.PIPELINE,
    DimensionKind.MONTH,
    DimensionKind.PROPERTY,
)
PROPERTY = DimensionKind.PROPERTY.value
NEED_PROPERTY = N_("Enter the name of a contact property, like country.")
BAD_PROPERTY = N_(
    "A property name starts with a letter or _, then letters, digits, _, . or - (at most 64)."
)


@dataclass(frozen=True, slots=True)
class ReportForm:
    """The choices made (as text, to fill the form back) and what may be chosen."""

    period: Period
    by: str
    mode: str
    compare: bool
    dimensions: list[str]
    modes: list[str]
    property_name: str = ""
    """The contact property grouped by, when `by` is `property`."""
    errors: dict[str, str] | None = None
    """Field → message for what is wrong (the property's name); None when the form is fine."""

    @property
    def periods(self) -> dict[Period, str]:
        return LABELS

    @property
    def mode_labels(self) -> dict[Mode, str]:
        return MODES

    def query(self) -> dict[str, str]:
        """The choices as query parameters (for links that keep them)."""
        found = {"period": self.period.value, "by": self.by, "mode": self.mode}
        if self.by == PROPERTY:
            found["property"] = self.property_name
        return {**found, **({"compare": "previous"} if self.compare else {})}

    @property
    def dimension(self) -> str | None:
        """The grouping as the runner takes it: `channel`, `property:country`, or None."""
        if not self.by:
            return None
        return f"{PROPERTY}:{self.property_name}" if self.by == PROPERTY else self.by


@dataclass(frozen=True, slots=True)
class Asked:
    """The form's fields as the query string gave them (None when absent)."""

    period: str | None = None
    by: str | None = None
    property_name: str | None = None
    mode: str | None = None
    compare: str | None = None


def read_form(report: Report, asked: Asked) -> ReportForm:
    """The form's state from the query string; an unknown period is the default one."""
    offered = [kind.value for kind in DIMENSIONS if kind in report.dimensions]
    modes = [mode.value for mode in Mode if mode in report.modes]
    chosen = parse_period(asked.period, default=Period.ALL)
    by, name = _grouping(asked.by or "", asked.property_name)
    return ReportForm(
        period=chosen,
        by=by,
        mode=asked.mode or modes[0],
        compare=asked.compare == "previous" and chosen is not Period.ALL,
        dimensions=offered,
        modes=modes,
        property_name=name,
        errors=_property_errors(name) if by == PROPERTY else None,
    )


def _grouping(by: str, name: str | None) -> tuple[str, str]:
    """`by` and the property's name, `property:NAME` (as the CLI writes it) split in two."""
    kind, colon, written = by.partition(":")
    if kind == PROPERTY and colon:
        return PROPERTY, (name or written).strip()
    return by, (name or "").strip()


def _property_errors(name: str) -> dict[str, str] | None:
    """What is wrong with the property's name, by field; None when it is a name."""
    if not name:
        return {"property": NEED_PROPERTY}
    try:
        parse_dimension(f"{PROPERTY}:{name}")
    except InvalidInput:
        return {"property": BAD_PROPERTY}
    return None


def form_params(form: ReportForm, today: date) -> ReportParams:
    """The runner's parameters, checked by `parse_params` exactly as the CLI's options are."""
    first, last = period_days(form.period, today)
    return parse_params(
        start=None if first is None else first.isoformat(),
        end=None if last is None else last.isoformat(),
        by=form.dimension,
        compare="previous" if form.compare else None,
        mode=form.mode,
    )
