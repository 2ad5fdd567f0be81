"""The funnel definition (`embudo.yaml`) as a typed, validated model.

The file is the agreement between marketing and sales: lifecycle stages and the
moves allowed between them, the event vocabulary, scoring, qualification,
pipelines, SLA targets and playbooks. Parsing the YAML text is not done here
(the domain does no I/O); this module validates the data once it is a dict.
Cross-references (an event a rule names must be in the vocabulary, ...) are
checked in `embudo.domain.spec_check`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from embudo.domain.conditions import Condition, PropertyIs, keys_of

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Model(BaseModel):
    """Closed, immutable spec model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Team(StrEnum):
    MARKETING = "marketing"
    SALES = "sales"
    SHARED = "shared"


class Section(StrEnum):
    """Top, middle or bottom of the funnel."""

    TOFU = "tofu"
    MOFU = "mofu"
    BOFU = "bofu"


class StageKind(StrEnum):
    """A funnel stage is on the way forward; nurture and disqualified are set aside."""

    FUNNEL = "funnel"
    NURTURE = "nurture"
    DISQUALIFIED = "disqualified"


class LifecycleStage(Model):
    key: Key
    label: str = ""
    team: Team = Team.MARKETING
    section: Section = Section.TOFU
    kind: StageKind = StageKind.FUNNEL


class MoveKind(StrEnum):
    """The explicit non-linear moves; forward qualification needs no declaration."""

    RECYCLE = "recycle"
    DISQUALIFY = "disqualify"
    REOPEN = "reopen"


class Move(Model):
    from_: list[Key] = Field(alias="from", min_length=1)
    to: Key


class Lifecycle(Model):
    stages: list[LifecycleStage] = Field(min_length=1)
    moves: dict[MoveKind, Move] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_keys(self) -> Lifecycle:
        keys = [stage.key for stage in self.stages]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"stage keys must be unique, repeated: {', '.join(duplicates)}")
        return self

    @property
    def funnel(self) -> list[LifecycleStage]:
        """The forward stages, in funnel order."""
        return [stage for stage in self.stages if stage.kind is StageKind.FUNNEL]

    def stage(self, key: str) -> LifecycleStage:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, LifecycleStage]:
        """Each stage by its key, found once: the engine looks stages up for every contact."""
        return {stage.key: stage for stage in self.stages}

    def rank(self, key: str) -> int:
        """Position in the forward funnel; -1 for a stage set aside."""
        return self._ranks.get(key, -1)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {stage.key: index for index, stage in enumerate(self.funnel)}


class EventDef(Model):
    label: str = ""
    section: Section = Section.TOFU


class FitRule(Model):
    """Points for who the contact is (the buyer persona): traits of contact or company."""

    name: Key
    when: Condition
    points: int


class EngagementRule(Model):
    """Points for what the contact does: each matching event earns `points`."""

    name: Key
    event: str
    where: list[PropertyIs] = Field(default_factory=list)
    points: int
    cap: int | None = Field(default=None, gt=0)
    half_life_days: float | None = Field(default=None, gt=0)


class Scoring(Model):
    half_life_days: float | None = Field(default=None, gt=0)
    fit: list[FitRule] = Field(default_factory=list)
    engagement: list[EngagementRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> Scoring:
        rules: list[FitRule | EngagementRule] = [*self.fit, *self.engagement]
        names = [rule.name for rule in rules]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"rule names must be unique, repeated: {', '.join(duplicates)}")
        return self

    def half_life(self, rule: EngagementRule) -> float | None:
        return rule.half_life_days or self.half_life_days

    def engagement_for(self, event: str) -> tuple[EngagementRule, ...]:
        """The engagement rules counting `event`, in the order they are written."""
        return self._engagement_by_event.get(event, ())

    @cached_property
    def _engagement_by_event(self) -> dict[str, tuple[EngagementRule, ...]]:
        """Rules by the event they count, found once: every stored event is scored."""
        events = dict.fromkeys(rule.event for rule in self.engagement)
        return {
            event: tuple(rule for rule in self.engagement if rule.event == event)
            for event in events
        }


class DisqualifyRule(Model):
    name: Key
    when: Condition
    reason: Key


class PipelineStageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class PipelineStage(Model):
    key: Key
    label: str = ""
    probability: float = Field(ge=0, le=1)
    kind: PipelineStageKind = PipelineStageKind.OPEN
    rotting_days: int | None = Field(default=None, gt=0)


class Pipeline(Model):
    label: str = ""
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    stages: list[PipelineStage] = Field(min_length=2)
    moved_stages: dict[Key, Key] = Field(default_factory=dict)
    """Stages removed from the pipeline, and the stage their deals move to when applied."""

    @model_validator(mode="after")
    def _closes(self) -> Pipeline:
        kinds = {stage.kind for stage in self.stages}
        if not {PipelineStageKind.WON, PipelineStageKind.LOST} <= kinds:
            raise ValueError("a pipeline needs at least one won and one lost stage")
        return self


class Sla(Model):
    """The numbers each team promises the other (seeds: 20 MQLs a month, 5 closes of 20)."""

    mql_per_month: int | None = Field(default=None, gt=0)
    first_touch_hours: float | None = Field(default=None, gt=0)
    close_ratio: float | None = Field(default=None, gt=0, le=1)


class PlaybookTrigger(Model):
    contact_enters: Key | None = None
    contact_leaves: Key | None = None
    deal_enters: Key | None = None
    sla_breached: bool = False
    deal_rots: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> PlaybookTrigger:
        chosen = [name for name, value in self if value not in (None, False)]
        if len(chosen) != 1:
            raise ValueError(
                "a playbook's `when` names exactly one of contact_enters, contact_leaves, "
                "deal_enters, sla_breached, deal_rots"
            )
        return self


class AddToList(Model):
    add_to_list: Key


class RemoveFromList(Model):
    remove_from_list: Key


class SetProperty(Model):
    """A contact trait a playbook sets; consent and identity are the contact's, not a rule's."""

    set_property: Key
    value: str | int | float | bool | None

    @model_validator(mode="after")
    def _not_reserved(self) -> SetProperty:
        if self.set_property in RESERVED_TRAITS:
            raise ValueError(
                f"a playbook cannot set `{self.set_property}`: email and subscription "
                "come only from the contact's own messages"
            )
        return self


RESERVED_TRAITS = frozenset({"email", "subscribed", "unsubscribed"})


class AssignOwner(Model):
    assign_owner: Literal["round_robin"] | str
    team: str | None = None


class CreateTask(Model):
    create_task: str
    due_hours: float = Field(default=24, gt=0)
    kind: Literal["call", "email", "meeting", "todo"] = "todo"


class CreateDeal(Model):
    create_deal: Key
    stage: Key | None = None
    amount: Decimal = Field(default=Decimal(0), ge=0, max_digits=18, decimal_places=4)
    """The deal's opening value (e.g. the usual deposit); 0 when sales will quote it."""


class Notify(Model):
    notify: str


def _action_tag(value: Any) -> str | None:
    keys = set(keys_of(value))
    return next((key for key in _ACTION_KEYS if key in keys), None)


_ACTION_KEYS = (
    "add_to_list",
    "remove_from_list",
    "set_property",
    "assign_owner",
    "create_task",
    "create_deal",
    "notify",
)

Action = Annotated[
    Annotated[AddToList, Tag("add_to_list")]
    | Annotated[RemoveFromList, Tag("remove_from_list")]
    | Annotated[SetProperty, Tag("set_property")]
    | Annotated[AssignOwner, Tag("assign_owner")]
    | Annotated[CreateTask, Tag("create_task")]
    | Annotated[CreateDeal, Tag("create_deal")]
    | Annotated[Notify, Tag("notify")],
    Discriminator(
        _action_tag,
        custom_error_type="unknown_action",
        custom_error_message=f"an action is one of: {', '.join(_ACTION_KEYS)}",
    ),
]


class Playbook(Model):
    name: Key
    when: PlaybookTrigger
    do: list[Action] = Field(min_length=1)


class ChannelMatch(Model):
    """UTM values (`context.campaign`) that put a touch in this channel; any listed value."""

    source: list[str] = Field(default_factory=list)
    medium: list[str] = Field(default_factory=list)


class Channel(Model):
    key: Key
    label: str = ""
    match: ChannelMatch = Field(default_factory=ChannelMatch)


class LossReason(Model):
    key: Key
    label: str = ""


TeamKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=20)]
"""A team of users (`sales`, `front_desk`), as `embudo user add --team` records it."""


class AssignmentRule(Model):
    """Who gets an MQL whose contact matches `when`: one person, or a team's round-robin."""

    when: Condition
    owner: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)
    team: TeamKey | None = None

    @model_validator(mode="after")
    def _one_target(self) -> AssignmentRule:
        if (self.owner is None) == (self.team is None):
            raise ValueError("an assignment rule names exactly one of `owner` or `team`")
        return self


class Handoff(Model):
    """How marketing hands an MQL to sales: who gets it, and where accept and reject lead.

    The first rule whose condition holds when the contact enters `stage` picks
    the owner; when none does, the `team` takes turns (round-robin).
    """

    stage: Key = "mql"
    accepted: Key = "sal"
    rejected: Key = "nurture"
    team: TeamKey = "sales"
    rules: list[AssignmentRule] = Field(default_factory=list)


class FunnelSpec(Model):
    """The whole `embudo.yaml`."""

    name: str = ""
    timezone: str = "UTC"
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    lifecycle: Lifecycle
    events: dict[Key, EventDef] = Field(default_factory=dict)
    scoring: Scoring = Field(default_factory=Scoring)
    qualification: dict[Key, Condition] = Field(default_factory=dict)
    disqualify: list[DisqualifyRule] = Field(default_factory=list)
    pipelines: dict[Key, Pipeline] = Field(default_factory=dict)
    sla: Sla = Field(default_factory=Sla)
    playbooks: list[Playbook] = Field(default_factory=list)
    loss_reasons: list[LossReason] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    handoff: Handoff = Field(default_factory=Handoff)
    rejection_reasons: list[LossReason] = Field(default_factory=list)

    def qualification_order(self) -> list[tuple[str, Condition]]:
        """Qualification conditions from the highest funnel stage down."""
        return list(self._qualification_order)

    @cached_property
    def _qualification_order(self) -> tuple[tuple[str, Condition], ...]:
        """Found once: the definition is frozen, and the engine plans every contact with it."""
        ranked = [
            (stage.key, self.qualification[stage.key])
            for stage in self.lifecycle.funnel
            if stage.key in self.qualification
        ]
        return tuple(reversed(ranked))
