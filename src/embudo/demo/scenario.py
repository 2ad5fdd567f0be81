"""The business being simulated, read once from the spec: its traffic and its funnel.

Everything generic lives here: which UTM values put a visit in each channel,
which events a form sends, which stages a contact climbs and how often, which
events are noise, negative or qualifying. Journeys then only draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from random import Random

from embudo.demo.plans import by_name, comparisons
from embudo.demo.steps import Campaign
from embudo.domain.conditions import CompanyIs, Comparison, Condition, TraitIs, event_names
from embudo.domain.spec import Channel, FunnelSpec, Section

BUILTIN_EVENTS = frozenset({"form_submitted"})
"""Sent as the form's event only when the spec declares no event a form could send."""
FORM_WORDS = ("form", "signup", "sign_up", "subscri", "download", "request", "regist", "contact")
DIRECT_SHARE = 0.2
DIRECT_CONVERSION = 0.18
COMPANY_SIZE = 4
"""Contacts per company on average, so several people of one company reach the funnel."""


@dataclass(frozen=True, slots=True)
class Source:
    """A channel as traffic: how much it brings, how well it converts, which UTM marks it."""

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
    sources: tuple[Source | None, ...]
    """Each visit's source; None is a direct visit (no campaign)."""
    cumulative: tuple[float, ...]
    entry: Condition | None
    gates: tuple[Gate, ...]
    form_event: str
    noise_events: tuple[str, ...]
    negative_events: tuple[str, ...]
    unfit: tuple[Condition, ...]
    fit_traits: dict[str, tuple[Comparison, ...]]
    fit_company: dict[str, tuple[Comparison, ...]]

    def source(self, rng: Random) -> Source | None:
        return rng.choices(self.sources, cum_weights=self.cumulative)[0]


def cast(spec: FunnelSpec, rng: Random, *, seed: int, contacts: int, end: datetime) -> Scenario:
    """Read the spec once; channel weights and conversion rates are drawn from `rng`."""
    sources, weights = _sources(spec, rng)
    fit = [found for rule in spec.scoring.fit for found in comparisons(rule.when)]
    company = [found for condition in _all_conditions(spec) for found in comparisons(condition)]
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
        negative_events=_negative_events(spec),
        unfit=tuple(rule.when for rule in spec.disqualify),
        fit_traits=by_name(fit, TraitIs),
        fit_company=by_name(company, CompanyIs),
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
    """Source/medium pairs that this channel's `match` accepts, preferring pairs no other
    channel accepts, then pairs it accepts first; none if the channel matches anything."""
    if not channel.match.source and not channel.match.medium:
        return ()
    pairs = [
        (source, medium)
        for source in channel.match.source or [channel.key]
        for medium in channel.match.medium or [channel.key]
    ]
    owners = {pair: [c.key for c in channels if accepts(c, *pair)] for pair in pairs}
    only = [pair for pair in pairs if owners[pair] == [channel.key]]
    first = [pair for pair in pairs if owners[pair][:1] == [channel.key]]
    return tuple(only or first)


def accepts(channel: Channel, source: str, medium: str) -> bool:
    """Whether a channel's `match` accepts UTM values; an empty list accepts any value."""
    match = channel.match
    return (not match.source or source in match.source) and (
        not match.medium or medium in match.medium
    )


def _entry(spec: FunnelSpec) -> Condition | None:
    """The condition of the stage a form reaches: the one after the anonymous stage."""
    funnel = spec.lifecycle.funnel
    return spec.qualification.get(funnel[1].key) if len(funnel) > 1 else None


def _gates(spec: FunnelSpec) -> tuple[Gate, ...]:
    """Stages above the form's, each reached by fewer (35% of leads to MQL, then 40%, ...)."""
    climbed = [stage.key for stage in spec.lifecycle.funnel[2:] if stage.key in spec.qualification]
    return tuple(
        Gate(key, spec.qualification[key], min(0.35 + 0.05 * index, 0.6))
        for index, key in enumerate(climbed)
    )


def _qualifying_events(spec: FunnelSpec) -> set[str]:
    return set().union(*(event_names(condition) for condition in spec.qualification.values()))


def _negative_events(spec: FunnelSpec) -> tuple[str, ...]:
    negative = (rule.event for rule in spec.scoring.engagement if rule.points < 0)
    return tuple(dict.fromkeys(event for event in negative if event in spec.events))


def _noise_events(spec: FunnelSpec) -> tuple[str, ...]:
    """TOFU and MOFU events that no qualification names and that are not negative."""
    excluded = _qualifying_events(spec) | set(_negative_events(spec))
    return tuple(
        name
        for name, event in spec.events.items()
        if event.section in (Section.TOFU, Section.MOFU) and name not in excluded
    )


def _form_event(spec: FunnelSpec) -> str:
    """The event a form sends: a TOFU event named like a form, else any TOFU event."""
    excluded = _qualifying_events(spec) | set(_negative_events(spec))
    tofu = [
        name
        for name, event in spec.events.items()
        if event.section is Section.TOFU and name not in excluded
    ]
    formlike = [name for name in tofu if any(word in name for word in FORM_WORDS)]
    return next(iter(formlike or tofu), next(iter(BUILTIN_EVENTS)))
