"""Names of the funnel's usual stages and of report columns, in the reader's language.

Stage keys the templates share (`mql`, `customer`, ...) have translated names
here; a stage only one workspace has shows its label from the funnel
definition (written by its users, in their language), else its key.
MQL, SAL and SQL stay as they are: the seeds use the acronyms in every language.
"""

from __future__ import annotations

from embudo.domain.spec import FunnelSpec
from embudo.web import i18n
from embudo.web.navigation import N_

STAGES = {
    "visitor": N_("Visitor"),
    "lead": N_("Lead"),
    "mql": "MQL",
    "sal": "SAL",
    "sql": "SQL",
    "opportunity": N_("Opportunity"),
    "customer": N_("Customer"),
    "nurture": N_("Nurture"),
    "disqualified": N_("Disqualified"),
}

COLUMNS = {
    "period": N_("Period"),
    "month": N_("Month"),
    "channel": N_("Channel"),
    "campaign": N_("Campaign"),
    "owner": N_("Owner"),
    "pipeline": N_("Pipeline"),
    "stage": N_("Stage"),
    "section": N_("Section"),
    "reached": N_("Reached"),
    "conversion": N_("Conversion rate"),
    "from_stage": N_("From"),
    "to_stage": N_("To"),
    "direction": N_("Direction"),
    "count": N_("Moves"),
    "contacts": N_("Contacts"),
    "open_deals": N_("Open deals"),
    "won_deals": N_("Won deals"),
    "lost_deals": N_("Lost deals"),
    "win_rate": N_("Win rate"),
    "win_rate_value": N_("Win rate by value"),
    "avg_deal_size": N_("Average deal size"),
    "avg_days_to_close": N_("Average days to close"),
    "velocity_per_day": N_("Sales velocity per day"),
    "probability": N_("Probability"),
    "value": N_("Value"),
    "weighted_value": N_("Weighted value"),
}


def gettext(language: str, message: str) -> str:
    return i18n.translations(language).gettext(message)


def stage_name(language: str, spec: FunnelSpec, key: str | None) -> str:
    """How a lifecycle stage is called on screen; `None` (no stage before) is the way in."""
    if key is None:
        return gettext(language, N_("(entry)"))
    if key in STAGES:
        return gettext(language, STAGES[key])
    labels = {stage.key: stage.label for stage in spec.lifecycle.stages}
    return labels.get(key) or key


def column_name(language: str, key: str) -> str:
    """A report column's heading; a grouping by a contact trait keeps the trait's name."""
    return gettext(language, COLUMNS[key]) if key in COLUMNS else key
