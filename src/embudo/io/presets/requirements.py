"""The workspace an import writes to: created with the preset's funnel definition, or checked.

A new workspace gets the preset's own definition (shipped beside the preset:
the b2b-saas template's lifecycle, with the dataset's pipeline, channels and
qualification). An existing workspace keeps its definition, which may have
been edited since, as long as it still has what the data needs: the
pipeline with the stages the deals use, the loss reasons, the events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from embudo.domain.errors import InvalidInput
from embudo.domain.spec import FunnelSpec
from embudo.engine.workspaces import apply_spec
from embudo.store.workspaces import Workspace, open_workspace, workspace_id_of

if TYPE_CHECKING:
    from datetime import datetime

    from embudo.io.presets.plan import ImportPlan


def ready_workspace(conn: Connection, name: str, plan: ImportPlan, now: datetime) -> Workspace:
    """The workspace `name`, created with the preset's definition when it does not exist."""
    if workspace_id_of(conn, name) is None:
        loaded = plan.spec
        apply_spec(conn, name, loaded.document, loaded.source, now=now, actor=plan.actor)
    workspace = open_workspace(conn, name)
    lacking = missing(workspace.spec, plan)
    if lacking:
        raise InvalidInput(
            f"workspace '{name}' has a funnel definition without {'; '.join(lacking)} — "
            f"import into a new workspace (--workspace {plan.preset}), which gets the "
            f"preset's definition, or add what is missing and `embudo apply` it"
        )
    return workspace


def missing(spec: FunnelSpec, plan: ImportPlan) -> list[str]:
    """What the plan needs that the definition lacks, one phrase each."""
    pipeline = spec.pipelines.get(plan.pipeline)
    if pipeline is None:
        return [f"pipeline '{plan.pipeline}'"]
    stages = {stage.key for stage in pipeline.stages}
    reasons = {reason.key for reason in spec.loss_reasons}
    events = set(spec.events)
    return [
        *(
            f"stage '{stage}' in pipeline '{plan.pipeline}'"
            for stage in sorted(plan.stages() - stages)
        ),
        *(f"loss reason '{reason}'" for reason in sorted(plan.reasons() - reasons)),
        *(f"event '{event}'" for event in sorted(plan.events() - events)),
    ]
