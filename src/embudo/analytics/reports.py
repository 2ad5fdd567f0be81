"""The reports `embudo report NAME` knows, by name: add a report's module here."""

from __future__ import annotations

from embudo.analytics import (
    attribution,
    flow,
    forecast,
    funnel,
    health,
    lead_velocity,
    pipeline,
    sla,
    stalled,
    time_in_stage,
    winloss,
)
from embudo.analytics.report import Report
from embudo.domain.errors import InvalidInput

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        health.REPORT,
        funnel.REPORT,
        flow.REPORT,
        pipeline.REPORT,
        sla.REPORT,
        attribution.REPORT,
        lead_velocity.REPORT,
        time_in_stage.REPORT,
        stalled.REPORT,
        forecast.REPORT,
        winloss.REPORT,
    )
}


def find_report(name: str) -> Report:
    """The report called `name`, or an error listing the ones there are."""
    if name not in REPORTS:
        known = ", ".join(sorted(REPORTS))
        raise InvalidInput(f"no report {name!r} — the reports are: {known}")
    return REPORTS[name]
