"""The sales side of the business being simulated, read once from the spec.

Which stage is handed to sales, how fast sales must answer, the reasons it
may give, and the pipeline deals go through: the template's first one, each
open stage with the chance a deal goes on from it and how long it stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from embudo.demo.prices import PriceRange, price_range
from embudo.domain.deals import opportunity_stage
from embudo.domain.handoff import rejection_reasons
from embudo.domain.spec import FunnelSpec, MoveKind, Pipeline, PipelineStageKind

DEFAULT_TOUCH_HOURS = 24.0
"""Sales' usual answer time when the spec sets no first-touch SLA."""
DEFAULT_STAGE_DAYS = 10.0
MIN_ADVANCE = 0.7
"""The least share of deals that go on from a stage, so every template wins some."""


@dataclass(frozen=True, slots=True)
class OpenStage:
    key: str
    advance: float
    """The share of deals in this stage that go on to the next one (or are won)."""
    typical_days: float
    """How long a deal usually stays: the stage's rotting limit, else ten days."""


@dataclass(frozen=True, slots=True)
class PipelinePlay:
    key: str
    stages: tuple[OpenStage, ...]
    loss_reasons: tuple[str, ...]
    prices: PriceRange
    recycles: bool
    """Whether the funnel lets a lost deal send its contact (an opportunity) to nurture."""


@dataclass(frozen=True, slots=True)
class SalesDesk:
    handoff_stage: str
    touch_hours: float
    rejection_reasons: tuple[str, ...]
    pipeline: PipelinePlay | None
    """None when the spec has no pipeline or no loss reasons: the demo opens no deals."""


def sales_desk(spec: FunnelSpec) -> SalesDesk:
    reasons = tuple(reason.key for reason in rejection_reasons(spec))
    hours = spec.sla.first_touch_hours or DEFAULT_TOUCH_HOURS
    return SalesDesk(spec.handoff.stage, hours, reasons, _play(spec))


def _play(spec: FunnelSpec) -> PipelinePlay | None:
    if not spec.pipelines or not spec.loss_reasons:
        return None
    key, pipeline = next(iter(spec.pipelines.items()))
    recycle = spec.lifecycle.moves.get(MoveKind.RECYCLE)
    recycles = recycle is not None and opportunity_stage(spec) in recycle.from_
    reasons = tuple(reason.key for reason in spec.loss_reasons)
    return PipelinePlay(key, _open_stages(pipeline), reasons, price_range(key), recycles)


def _open_stages(pipeline: Pipeline) -> tuple[OpenStage, ...]:
    """Open stages in order; the chance to go on is the ratio of the win probabilities.

    A deal in a stage with probability p wins with chance p, so it reaches the
    next stage (probability q) with chance p / q; floored at `MIN_ADVANCE`.
    """
    stages = [stage for stage in pipeline.stages if stage.kind is PipelineStageKind.OPEN]
    following = [*(stage.probability for stage in stages[1:]), 1.0]
    return tuple(
        OpenStage(
            stage.key,
            max(MIN_ADVANCE, stage.probability / nxt if nxt else 1.0),
            float(stage.rotting_days or DEFAULT_STAGE_DAYS),
        )
        for stage, nxt in zip(stages, following, strict=True)
    )
