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

from embudo.analytics.params import DimensionKind, Mode, ReportParams, parse_params
from embudo.analytics.report import Report
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

    @property
    def periods(self) -> dict[Period, str]:
        return LABELS

    @property
    def mode_labels(self) -> dict[Mode, str]:
        return MODES

    def query(self) -> dict[str, str]:
        """The choices as query parameters (for links that keep them)."""
        found = {"period": self.period.value, "by": self.by, "mode": self.mode}
        return {**found, **({"compare": "previous"} if self.compare else {})}


def read_form(
    report: Report, period: str | None, by: str | None, mode: str | None, compare: str | None
) -> ReportForm:
    """The form's state from the query string; an unknown period is the default one."""
    offered = [kind.value for kind in DIMENSIONS if kind in report.dimensions]
    modes = [mode.value for mode in Mode if mode in report.modes]
    chosen = parse_period(period, default=Period.ALL)
    return ReportForm(
        period=chosen,
        by=by or "",
        mode=mode or modes[0],
        compare=compare == "previous" and chosen is not Period.ALL,
        dimensions=offered,
        modes=modes,
    )


def form_params(form: ReportForm, today: date) -> ReportParams:
    """The runner's parameters, checked by `parse_params` exactly as the CLI's options are."""
    first, last = period_days(form.period, today)
    return parse_params(
        start=None if first is None else first.isoformat(),
        end=None if last is None else last.isoformat(),
        by=form.by or None,
        compare="previous" if form.compare else None,
        mode=form.mode,
    )
