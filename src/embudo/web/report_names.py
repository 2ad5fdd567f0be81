"""Reports' titles and summaries in the reader's language; a report not listed shows its own.

The registry (`analytics.reports.REPORTS`) is the list of reports; this only
names the ones known when the catalogues were last updated, so a report added
later appears at once with its English summary until it is translated here.
"""

from __future__ import annotations

from embudo.analytics.report import Report
from embudo.web.navigation import N_
from embudo.web.vocabulary import gettext

TITLES = {
    "health": N_("Pipeline health"),
    "funnel": N_("Funnel"),
    "flow": N_("Flow between stages"),
    "pipeline": N_("Pipeline by stage"),
}
SUMMARIES = {
    "health": N_("Open deals, win rate, average deal size and days to close, sales velocity"),
    "funnel": N_("Contacts that reached each lifecycle stage, conversion stage to stage"),
    "flow": N_("Moves between lifecycle stages, backward ones included: from, to, count"),
    "pipeline": N_("Open deals per pipeline stage: count, value, value weighted by probability"),
}


def title(language: str, report: Report) -> str:
    known = TITLES.get(report.name)
    return gettext(language, known) if known else report.name.replace("_", " ").capitalize()


def summary(language: str, report: Report) -> str:
    known = SUMMARIES.get(report.name)
    return gettext(language, known) if known else report.summary
