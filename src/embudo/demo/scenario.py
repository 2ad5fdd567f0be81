"""The business being simulated, read once from the spec: its traffic and its funnel.

Everything generic lives here: which UTM values put a visit in each channel,
which event a form sends, which stages a contact climbs and how often, which
events are noise, negative, qualifying or only earn points. Journeys then only
draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from random import Random

from embudo.demo.desk import SalesDesk, sales_desk
from embudo.demo.plans import by_name, comparisons, trait_tests
from embudo.demo.steps import Campaign
from embudo.domain.channels import channel_of
from embudo.domain.conditions import (
    CompanyIs,
    Comparison,
    Condition,
    PropertyIs,
    TraitIs,
    event_names,
)
from embudo.domain.messages import Campaign as Touch
from embudo.domain.spec import Channel, EngagementRule, FunnelSpec, LifecycleStage, Section

PAGE = "page"
FORM_WORDS = ("form", "signup", "sign_up", "subscri", "download", "request", "regist", "contact")
DIRECT_SHARE = 0.2
DIRECT_CONVERSION = 0.18
COMPANY_SIZE = 4
"""Contacts per company on average, so several people of one company reach the funnel."""


@dataclass(frozen=True, slots=True)
class Source:
    """A channel as traffic: how well it converts and which UTM values put a visit in it."""

    channel: str
    conversion: float
    utm: tuple[tuple[str, str], ...]

    def campaign(self, rng: Random, at: datetime) -> Campaign:
        """UTM values of a visit, with one campaign name per channel and quarter."""
        source, medium = rng.choice(self.utm)
        name = f"{self.channel}-{at.year}-q{(at.month - 1) // 3 + 1}"
        return Campaign(name, source, medium)


@dataclass(frozen=True, slots=True)
class Gate:
    """A qualification stage and the share of contacts who reach it from the one before."""

    stage: str
    condition: Condition
    rate: float


@dataclass(frozen=True, slots=True)
class Scenario:
    seed: int
    end: datetime
    companies: int
    """Size of the company pool; 0 when no rule looks at companies (no group messages)."""
    sources: tuple[Source | None, ...]
    """Each visit's source; None is a direct visit (no campaign)."""
    cumulative: tuple[float, ...]
    entry: Condition | None
    gates: tuple[Gate, ...]
    form_event: str | None
    noise_events: tuple[str, ...]
    unsubscribes: tuple[EngagementRule, ...]
    job_pages: tuple[list[PropertyIs], ...]
    boosters: tuple[EngagementRule, ...]
    engagement: dict[str, tuple[EngagementRule, ...]]
    """Positive engagement rules by event: what a contact's events earn."""
    unfit: tuple[Condition, ...]
    unfit_tests: tuple[TraitIs, ...]
    fit_traits: dict[str, tuple[Comparison, ...]]
    fit_company: dict[str, tuple[Comparison, ...]]
    sales: SalesDesk

    def source(self, rng: Random) -> Source | None:
        return rng.choices(self.sources, cum_weights=self.cumulative)[0]


def cast(spec: FunnelSpec, rng: Random, *, seed: int, contacts: int, end: datetime) -> Scenario:
    """Read the spec once; channel weights and conversion rates are drawn from `rng`."""
    sources, weights = _sources(spec, rng)
    fit = [found for rule in spec.scoring.fit for found in comparisons(rule.when)]
    company = [found for condition in _all_conditions(spec) for found in comparisons(condition)]
    unfit = tuple(rule.when for rule in spec.disqualify)
    return Scenario(
        seed=seed,
        end=end,
        companies=max(1, contacts // COMPANY_SIZE) if by_name(company, CompanyIs) else 0,
        sources=sources,
        cumulative=tuple(accumulate(weights)),
        entry=_entry(spec),
        gates=_gates(spec),
        form_event=_form_event(spec),
        noise_events=_noise_events(spec),
        unsubscribes=tuple(r for r in _negative(spec) if r.event in spec.events),
        job_pages=tuple(rule.where for rule in _negative(spec) if rule.event == PAGE),
        boosters=_boosters(spec),
        engagement=_engagement(spec),
        unfit=unfit,
        unfit_tests=tuple(test for condition in unfit for test in trait_tests(condition)),
        fit_traits=by_name(fit, TraitIs),
        fit_company=by_name(company, CompanyIs),
        sales=sales_desk(spec),
    )


def _all_conditions(spec: FunnelSpec) -> list[Condition]:
    fit = [rule.when for rule in spec.scoring.fit]
    return [*fit, *spec.qualification.values(), *(rule.when for rule in spec.disqualify)]


def _sources(spec: FunnelSpec, rng: Random) -> tuple[tuple[Source | None, ...], list[float]]:
    """Channels that UTM values can reach, each with a drawn weight, plus direct traffic."""
    sources = [Source(c.key, rng.uniform(0.08, 0.3), _utm(c, spec.channels)) for c in spec.channels]
    reachable = [source for source in sources if source.utm]
    weights = [rng.uniform(0.5, 3.0) for _ in reachable]
    direct = DIRECT_SHARE / (1 - DIRECT_SHARE) * sum(weights) if weights else 1.0
    return (*reachable, None), [*weights, direct]


def _utm(channel: Channel, channels: list[Channel]) -> tuple[tuple[str, str], ...]:
    """Source/medium pairs that the domain puts in this channel (`channel_of`), built from
    its `match` lists; the channel's key stands in for a list left empty."""
    pairs = [
        (source, medium)
        for source in channel.match.source or [channel.key]
        for medium in channel.match.medium or [channel.key]
    ]
    return tuple(
        (source, medium)
        for source, medium in pairs
        if channel_of(channels, Touch(source=source, medium=medium)) == channel.key
    )


def _qualified(spec: FunnelSpec) -> list[LifecycleStage]:
    """Funnel stages with a qualification condition, in funnel order."""
    return [stage for stage in spec.lifecycle.funnel if stage.key in spec.qualification]


def _entry(spec: FunnelSpec) -> Condition | None:
    """The condition a form meets: the lowest qualified stage, if it is a TOFU one (a lead)."""
    qualified = _qualified(spec)
    first = qualified[0] if qualified else None
    return spec.qualification[first.key] if first and first.section is Section.TOFU else None


def _gates(spec: FunnelSpec) -> tuple[Gate, ...]:
    """Stages above the form's, each reached by fewer (35% of leads to MQL, then 40%, ...)."""
    qualified = _qualified(spec)
    climbed = qualified[1:] if _entry(spec) is not None else qualified
    return tuple(
        Gate(stage.key, spec.qualification[stage.key], min(0.35 + 0.05 * index, 0.6))
        for index, stage in enumerate(climbed)
    )


def _qualifying_events(spec: FunnelSpec) -> set[str]:
    return set().union(*(event_names(condition) for condition in spec.qualification.values()))


def _negative(spec: FunnelSpec) -> list[EngagementRule]:
    return [rule for rule in spec.scoring.engagement if rule.points < 0]


def _boosters(spec: FunnelSpec) -> tuple[EngagementRule, ...]:
    """Rules that earn points without moving anyone a stage: how a score threshold is met."""
    known = {*spec.events, PAGE} - _qualifying_events(spec)
    positive = [rule for rule in spec.scoring.engagement if rule.points > 0]
    return tuple(rule for rule in positive if rule.event in known)


def _engagement(spec: FunnelSpec) -> dict[str, tuple[EngagementRule, ...]]:
    rules: dict[str, list[EngagementRule]] = {}
    for rule in spec.scoring.engagement:
        if rule.points > 0:
            rules.setdefault(rule.event, []).append(rule)
    return {event: tuple(found) for event, found in rules.items()}


def _noise_events(spec: FunnelSpec) -> tuple[str, ...]:
    """TOFU and MOFU events that no qualification names and that are not negative."""
    excluded = _qualifying_events(spec) | {rule.event for rule in _negative(spec)}
    sections = (Section.TOFU, Section.MOFU)
    return tuple(n for n, e in spec.events.items() if e.section in sections and n not in excluded)


def _form_event(spec: FunnelSpec) -> str | None:
    """The event a form sends: a TOFU event named like a form, else any TOFU event;
    none when the spec has no TOFU event (the identify alone is the form)."""
    excluded = _qualifying_events(spec) | {rule.event for rule in _negative(spec)}
    tofu = [n for n, e in spec.events.items() if e.section is Section.TOFU and n not in excluded]
    formlike = [name for name in tofu if any(word in name for word in FORM_WORDS)]
    return next(iter(formlike or tofu), None)
