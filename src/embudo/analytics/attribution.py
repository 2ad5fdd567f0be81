"""`attribution`: won revenue traced back to channels and campaigns (seeds 003: closed loop).

For every deal won in the period, its touches (`journeys.py`) share its
amount under each model of `domain.attribution` (`shares.py`); beside it, what each
channel and campaign acquired and cost in the period (`acquisition.py`), so
marketing sees cost per lead, per MQL, per new customer (CAC) and ROI.

One row per model and (channel, campaign), all models in one result — the
`model` column says which — so ROI can be compared across models without
running the report six times; `--model NAME` keeps one, `--half-life DAYS`
sets time-decay's half-life. Revenue is shared exactly (fractions) and
rounded to the cent once, per row.
"""

from __future__ import annotations

from fractions import Fraction

from embudo.analytics import shares
from embudo.analytics.acquisition import Acquisition, acquisition
from embudo.analytics.exact_sum import ExactSum
from embudo.analytics.journeys import TouchKey, won_touches
from embudo.analytics.params import DimensionKind, ReportParams
from embudo.analytics.report import Report, Row
from embudo.analytics.source import Source
from embudo.analytics.windows import Window
from embudo.domain import metrics
from embudo.domain.attribution import HALF_LIFE_DAYS, Model

COLUMNS = (
    "model",
    "channel",
    "campaign",
    "attributed_deals",
    "revenue",
    "cost",
    "leads",
    "mqls",
    "customers",
    "cost_per_lead",
    "cost_per_mql",
    "cac",
    "roi",
)


def compute(source: Source, window: Window, params: ReportParams) -> list[Row]:
    """A row per model and channel/campaign that earned, cost or acquired anything."""
    touches = won_touches(source, window)
    acquired = acquisition(source, window)
    models = params.models
    half_life = HALF_LIFE_DAYS if params.half_life is None else params.half_life
    shared = shares.shared(touches, models, half_life)
    revenue = {model: shared[model][0] for model in models}
    deals = {model: shared[model][1] for model in models}
    keys = sorted(
        {*acquired.keys(), *(key for model in models for key in revenue[model])},
        key=lambda key: (key[0], key[1] is None, key[1] or ""),
    )
    return [
        _row(model, key, revenue[model].get(key), deals[model].get(key), acquired)
        for model in models
        for key in keys
    ]


def _row(
    model: Model,
    key: TouchKey,
    revenue: ExactSum | None,
    deals: ExactSum | None,
    acquired: Acquisition,
) -> Row:
    earned = metrics.attributed_amount(Fraction(0)) if revenue is None else revenue.cents()
    cost = acquired.costs.get(key)
    return {
        "model": model.value,
        "channel": key[0],
        "campaign": key[1],
        "attributed_deals": 0.0 if deals is None else float(deals),
        "revenue": earned,
        "cost": cost,
        "leads": acquired.leads[key],
        "mqls": acquired.mqls[key],
        "customers": acquired.customers[key],
        "cost_per_lead": metrics.cost_per(cost, acquired.leads[key]),
        "cost_per_mql": metrics.cost_per(cost, acquired.mqls[key]),
        "cac": metrics.cost_per(cost, acquired.customers[key]),
        "roi": metrics.roi(earned, cost),
    }


REPORT = Report(
    name="attribution",
    summary="Won revenue by channel and campaign under six models; cost, CAC and ROI",
    columns=COLUMNS,
    dimensions=frozenset({DimensionKind.MONTH}),
    compute=compute,
    models=True,
)
