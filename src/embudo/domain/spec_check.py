"""Cross-reference checks on a funnel definition that validated field by field.

The model (`embudo.domain.spec`) knows each field's shape; this module knows
how the sections refer to each other: an event a rule names must be in the
vocabulary, a move must go to a stage of the right kind, a playbook must name
stages and pipelines that exist. Each problem carries the path of the YAML
keys that hold the mistake, so the file reader can point at its line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches

from embudo.domain.conditions import AllOf, AnyOf, Condition, EventSeen, NotThis
from embudo.domain.spec import (
    CreateDeal,
    FunnelSpec,
    MoveKind,
    Playbook,
    StageKind,
)

SpecPath = tuple[str | int, ...]
BUILTIN_EVENTS = frozenset({"page", "identify"})
_MOVE_TARGET_KIND = {
    MoveKind.RECYCLE: StageKind.NURTURE,
    MoveKind.DISQUALIFY: StageKind.DISQUALIFIED,
}


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """One mistake in the definition: where (YAML key path) and what."""

    path: SpecPath
    message: str


def problems(spec: FunnelSpec) -> list[SpecProblem]:
    """Every cross-reference mistake in `spec`, in section order."""
    checks = (
        _unknown_events,
        _qualification_stages,
        _move_stages,
        _disqualify_needs_move,
        _playbook_targets,
        _repeated_keys,
        _handoff_stages,
        _moved_stages,
    )
    return [problem for check in checks for problem in check(spec)]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest choice, or nothing when none is close."""
    close = get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown(what: str, name: str, choices: Collection[str]) -> str:
    return f"unknown {what} '{name}'{did_you_mean(name, choices)}"


def _unknown_events(spec: FunnelSpec) -> Iterator[SpecProblem]:
    known = BUILTIN_EVENTS | spec.events.keys()
    for path, name in _event_references(spec):
        if name not in known:
            yield SpecProblem(path, _unknown("event", name, sorted(known)))


def _event_references(spec: FunnelSpec) -> Iterator[tuple[SpecPath, str]]:
    """Every event name the spec mentions, with the path of the key that names it."""
    for index, rule in enumerate(spec.scoring.engagement):
        yield ("scoring", "engagement", index, "event"), rule.event
    for index, fit in enumerate(spec.scoring.fit):
        yield from _condition_events(fit.when, ("scoring", "fit", index, "when"))
    for stage, condition in spec.qualification.items():
        yield from _condition_events(condition, ("qualification", stage))
    for index, disqualify in enumerate(spec.disqualify):
        yield from _condition_events(disqualify.when, ("disqualify", index, "when"))
    for index, assignment in enumerate(spec.handoff.rules):
        yield from _condition_events(assignment.when, ("handoff", "rules", index, "when"))


def _condition_events(condition: Condition, path: SpecPath) -> Iterator[tuple[SpecPath, str]]:
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            group = "all" if isinstance(condition, AllOf) else "any"
            for index, part in enumerate(parts):
                yield from _condition_events(part, (*path, group, index))
        case NotThis(not_=part):
            yield from _condition_events(part, (*path, "not"))
        case EventSeen(event=name):
            yield (*path, "event"), name


def _qualification_stages(spec: FunnelSpec) -> Iterator[SpecProblem]:
    stages = {stage.key: stage for stage in spec.lifecycle.stages}
    for key in spec.qualification:
        path = ("qualification", key)
        if key not in stages:
            yield SpecProblem(path, _unknown("lifecycle stage", key, stages))
        elif stages[key].kind is not StageKind.FUNNEL:
            message = f"stage '{key}' is a {stages[key].kind} stage; only funnel stages qualify"
            yield SpecProblem(path, message)


def _move_stages(spec: FunnelSpec) -> Iterator[SpecProblem]:
    stages = {stage.key: stage for stage in spec.lifecycle.stages}
    for kind, move in spec.lifecycle.moves.items():
        path = ("lifecycle", "moves", kind.value)
        for index, key in enumerate(move.from_):
            if key not in stages:
                yield SpecProblem((*path, "from", index), _unknown("lifecycle stage", key, stages))
        if move.to not in stages:
            yield SpecProblem((*path, "to"), _unknown("lifecycle stage", move.to, stages))
        elif kind in _MOVE_TARGET_KIND and stages[move.to].kind is not _MOVE_TARGET_KIND[kind]:
            message = (
                f"a {kind} move goes to a {_MOVE_TARGET_KIND[kind]} stage; "
                f"'{move.to}' is a {stages[move.to].kind} stage"
            )
            yield SpecProblem((*path, "to"), message)


def _disqualify_needs_move(spec: FunnelSpec) -> Iterator[SpecProblem]:
    if spec.disqualify and MoveKind.DISQUALIFY not in spec.lifecycle.moves:
        message = "disqualify rules need a `disqualify` move under lifecycle.moves"
        yield SpecProblem(("disqualify",), message)


def _playbook_targets(spec: FunnelSpec) -> Iterator[SpecProblem]:
    for index, playbook in enumerate(spec.playbooks):
        yield from _trigger_targets(spec, playbook, ("playbooks", index, "when"))
        for number, action in enumerate(playbook.do):
            if isinstance(action, CreateDeal):
                yield from _deal_targets(spec, action, ("playbooks", index, "do", number))


def _trigger_targets(spec: FunnelSpec, playbook: Playbook, path: SpecPath) -> Iterator[SpecProblem]:
    lifecycle = [stage.key for stage in spec.lifecycle.stages]
    deal_stages = {stage.key for pipeline in spec.pipelines.values() for stage in pipeline.stages}
    trigger = playbook.when
    for field, stage in (
        ("contact_enters", trigger.contact_enters),
        ("contact_leaves", trigger.contact_leaves),
    ):
        if stage is not None and stage not in lifecycle:
            yield SpecProblem((*path, field), _unknown("lifecycle stage", stage, lifecycle))
    if trigger.deal_enters is not None and trigger.deal_enters not in deal_stages:
        message = _unknown("pipeline stage", trigger.deal_enters, sorted(deal_stages))
        yield SpecProblem((*path, "deal_enters"), message)


def _deal_targets(spec: FunnelSpec, action: CreateDeal, path: SpecPath) -> Iterator[SpecProblem]:
    pipeline = spec.pipelines.get(action.create_deal)
    if pipeline is None:
        message = _unknown("pipeline", action.create_deal, spec.pipelines)
        yield SpecProblem((*path, "create_deal"), message)
        return
    stages = [stage.key for stage in pipeline.stages]
    if action.stage is not None and action.stage not in stages:
        message = f"{_unknown('stage', action.stage, stages)} in pipeline '{action.create_deal}'"
        yield SpecProblem((*path, "stage"), message)


def _repeated_keys(spec: FunnelSpec) -> Iterator[SpecProblem]:
    for name, pipeline in spec.pipelines.items():
        keys = [stage.key for stage in pipeline.stages]
        yield from _repeats("pipeline stage", keys, ("pipelines", name, "stages"))
    yield from _repeats("channel", [channel.key for channel in spec.channels], ("channels",))
    reasons = [reason.key for reason in spec.loss_reasons]
    yield from _repeats("loss reason", reasons, ("loss_reasons",))
    rejections = [reason.key for reason in spec.rejection_reasons]
    yield from _repeats("rejection reason", rejections, ("rejection_reasons",))


def _repeats(what: str, keys: list[str], path: SpecPath) -> Iterator[SpecProblem]:
    """A problem at each repetition of a key, pointing back at its first use."""
    for index, key in enumerate(keys):
        first = keys.index(key)
        if first < index:
            message = f"{what} '{key}' is repeated (first at {path[-1]}[{first}])"
            yield SpecProblem((*path, index, "key"), message)


def _handoff_stages(spec: FunnelSpec) -> Iterator[SpecProblem]:
    """The hand-off's stages, when the section is written: queue < accepted, rejected nurture.

    A definition without a `handoff` section gets the defaults (mql, sal,
    nurture) and simply has no hand-off when its stages are named otherwise.
    """
    if "handoff" not in spec.model_fields_set:
        return
    stages = {stage.key: stage for stage in spec.lifecycle.stages}
    handoff = spec.handoff
    for field in ("stage", "accepted", "rejected"):
        key = getattr(handoff, field)
        if key not in stages:
            yield SpecProblem(("handoff", field), _unknown("lifecycle stage", key, stages))
    if {handoff.stage, handoff.accepted} <= stages.keys():
        rank = spec.lifecycle.rank
        if rank(handoff.stage) < 0 or rank(handoff.accepted) <= rank(handoff.stage):
            message = (
                f"accepting leads forward: '{handoff.accepted}' must be a funnel stage "
                f"after '{handoff.stage}'"
            )
            yield SpecProblem(("handoff", "accepted"), message)
    rejected = stages.get(handoff.rejected)
    if rejected is not None and rejected.kind is not StageKind.NURTURE:
        message = f"rejecting leads to a nurture stage; '{rejected.key}' is a {rejected.kind} stage"
        yield SpecProblem(("handoff", "rejected"), message)


def _moved_stages(spec: FunnelSpec) -> Iterator[SpecProblem]:
    """`moved_stages` maps stages that are gone to stages that exist, in the same pipeline."""
    for name, pipeline in spec.pipelines.items():
        stages = [stage.key for stage in pipeline.stages]
        for old, new in pipeline.moved_stages.items():
            path: SpecPath = ("pipelines", name, "moved_stages", old)
            if old in stages:
                yield SpecProblem(path, f"stage '{old}' is still in the pipeline: nothing to move")
            if new not in stages:
                yield SpecProblem(path, f"{_unknown('stage', new, stages)} in pipeline '{name}'")
