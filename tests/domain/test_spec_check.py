"""Cross-reference checks: each mistake gives its message at the YAML path that holds it."""

from __future__ import annotations

from typing import Any

import pytest

from embudo.domain.spec import FunnelSpec
from embudo.domain.spec_check import SpecPath, SpecProblem, did_you_mean, problems

STAGES = [
    {"key": "lead"},
    {"key": "mql", "team": "shared", "section": "mofu"},
    {"key": "sql", "team": "sales", "section": "bofu"},
    {"key": "opportunity", "team": "sales", "section": "bofu"},
    {"key": "nurture", "kind": "nurture"},
    {"key": "disqualified", "kind": "disqualified"},
]
MOVES = {
    "recycle": {"from": ["mql", "sql"], "to": "nurture"},
    "disqualify": {"from": ["lead", "mql"], "to": "disqualified"},
    "reopen": {"from": ["disqualified"], "to": "lead"},
}
PIPELINE_STAGES = [
    {"key": "demo", "probability": 0.3},
    {"key": "won", "probability": 1, "kind": "won"},
    {"key": "lost", "probability": 0, "kind": "lost"},
]
BASE: dict[str, Any] = {
    "lifecycle": {"stages": STAGES, "moves": MOVES},
    "events": {"webinar_registered": {}, "webinar_watched": {}},
    "pipelines": {"new_business": {"stages": PIPELINE_STAGES}},
    "channels": [{"key": "email"}],
    "loss_reasons": [{"key": "price"}],
}


def spec(**sections: Any) -> FunnelSpec:
    return FunnelSpec.model_validate({**BASE, **sections})


def moves(**changes: Any) -> dict[str, Any]:
    return {"stages": STAGES, "moves": {**MOVES, **changes}}


def playbook(when: dict[str, Any], *do: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "p", "when": when, "do": list(do) or [{"notify": "sales"}]}]


def test_a_consistent_spec_has_no_problems() -> None:
    assert problems(spec()) == []


def test_built_in_events_need_no_declaration() -> None:
    rules = [
        {"name": "reads", "event": "page", "points": 1},
        {"name": "known", "event": "identify", "points": 1},
    ]
    assert problems(spec(scoring={"engagement": rules})) == []


CASES: list[tuple[str, dict[str, Any], SpecPath, str]] = [
    (
        "engagement event",
        {"scoring": {"engagement": [{"name": "w", "event": "webinar_wached", "points": 1}]}},
        ("scoring", "engagement", 0, "event"),
        "unknown event 'webinar_wached' (did you mean 'webinar_watched'?)",
    ),
    (
        "qualification any",
        {
            "qualification": {
                "mql": {"any": [{"event": "webinar_registered"}, {"event": "webinar_wached"}]}
            }
        },
        ("qualification", "mql", "any", 1, "event"),
        "unknown event 'webinar_wached' (did you mean 'webinar_watched'?)",
    ),
    (
        "not inside all, nothing close",
        {"qualification": {"sql": {"all": [{"not": {"event": "contract_signed"}}]}}},
        ("qualification", "sql", "all", 0, "not", "event"),
        "unknown event 'contract_signed'",
    ),
    (
        "fit when",
        {"scoring": {"fit": [{"name": "f", "when": {"event": "webinar_registerd"}, "points": 1}]}},
        ("scoring", "fit", 0, "when", "event"),
        "unknown event 'webinar_registerd' (did you mean 'webinar_registered'?)",
    ),
    (
        "disqualify when",
        {"disqualify": [{"name": "d", "when": {"event": "spam_reported"}, "reason": "spam"}]},
        ("disqualify", 0, "when", "event"),
        "unknown event 'spam_reported'",
    ),
    (
        "qualification of an unknown stage",
        {"qualification": {"mqll": {"event": "webinar_watched"}}},
        ("qualification", "mqll"),
        "unknown lifecycle stage 'mqll' (did you mean 'mql'?)",
    ),
    (
        "qualification of a nurture stage",
        {"qualification": {"nurture": {"event": "webinar_watched"}}},
        ("qualification", "nurture"),
        "stage 'nurture' is a nurture stage; only funnel stages qualify",
    ),
    (
        "move from an unknown stage",
        {"lifecycle": moves(recycle={"from": ["mql", "sqll"], "to": "nurture"})},
        ("lifecycle", "moves", "recycle", "from", 1),
        "unknown lifecycle stage 'sqll' (did you mean 'sql'?)",
    ),
    (
        "move to an unknown stage",
        {"lifecycle": moves(reopen={"from": ["disqualified"], "to": "leed"})},
        ("lifecycle", "moves", "reopen", "to"),
        "unknown lifecycle stage 'leed' (did you mean 'lead'?)",
    ),
    (
        "disqualify to a nurture stage",
        {"lifecycle": moves(disqualify={"from": ["lead"], "to": "nurture"})},
        ("lifecycle", "moves", "disqualify", "to"),
        "a disqualify move goes to a disqualified stage; 'nurture' is a nurture stage",
    ),
    (
        "recycle to a funnel stage",
        {"lifecycle": moves(recycle={"from": ["sql"], "to": "lead"})},
        ("lifecycle", "moves", "recycle", "to"),
        "a recycle move goes to a nurture stage; 'lead' is a funnel stage",
    ),
    (
        "disqualify rules without a disqualify move",
        {
            "lifecycle": {"stages": STAGES, "moves": {"reopen": MOVES["reopen"]}},
            "disqualify": [
                {"name": "d", "when": {"trait": "email", "exists": False}, "reason": "x"}
            ],
        },
        ("disqualify",),
        "disqualify rules need a `disqualify` move under lifecycle.moves",
    ),
    (
        "playbook on entering an unknown stage",
        {"playbooks": playbook({"contact_enters": "oportunity"})},
        ("playbooks", 0, "when", "contact_enters"),
        "unknown lifecycle stage 'oportunity' (did you mean 'opportunity'?)",
    ),
    (
        "playbook on leaving an unknown stage",
        {"playbooks": playbook({"contact_leaves": "customer"})},
        ("playbooks", 0, "when", "contact_leaves"),
        "unknown lifecycle stage 'customer'",
    ),
    (
        "playbook on an unknown deal stage",
        {"playbooks": playbook({"deal_enters": "wonn"})},
        ("playbooks", 0, "when", "deal_enters"),
        "unknown pipeline stage 'wonn' (did you mean 'won'?)",
    ),
    (
        "deal in an unknown pipeline",
        {"playbooks": playbook({"contact_enters": "sql"}, {"create_deal": "new_busines"})},
        ("playbooks", 0, "do", 0, "create_deal"),
        "unknown pipeline 'new_busines' (did you mean 'new_business'?)",
    ),
    (
        "deal in a stage of another pipeline",
        {
            "playbooks": playbook(
                {"contact_enters": "sql"},
                {"notify": "sales"},
                {"create_deal": "new_business", "stage": "demoo"},
            )
        },
        ("playbooks", 0, "do", 1, "stage"),
        "unknown stage 'demoo' (did you mean 'demo'?) in pipeline 'new_business'",
    ),
    (
        "pipeline stage repeated",
        {"pipelines": {"new_business": {"stages": [*PIPELINE_STAGES, PIPELINE_STAGES[0]]}}},
        ("pipelines", "new_business", "stages", 3, "key"),
        "pipeline stage 'demo' is repeated (first at stages[0])",
    ),
    (
        "channel repeated",
        {"channels": [{"key": "email"}, {"key": "social"}, {"key": "email", "label": "Mail"}]},
        ("channels", 2, "key"),
        "channel 'email' is repeated (first at channels[0])",
    ),
    (
        "loss reason repeated",
        {"loss_reasons": [{"key": "price"}, {"key": "price"}]},
        ("loss_reasons", 1, "key"),
        "loss reason 'price' is repeated (first at loss_reasons[0])",
    ),
]


@pytest.mark.parametrize(
    ("sections", "path", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_mistake_is_reported_at_its_path(
    sections: dict[str, Any], path: SpecPath, message: str
) -> None:
    assert problems(spec(**sections)) == [SpecProblem(path, message)]


def test_every_mistake_is_reported_in_section_order() -> None:
    found = problems(
        spec(
            qualification={"mql": {"event": "webinar_wached"}, "nurture": {"event": "page"}},
            channels=[{"key": "email"}, {"key": "email"}],
        )
    )
    assert [problem.path for problem in found] == [
        ("qualification", "mql", "event"),
        ("qualification", "nurture"),
        ("channels", 1, "key"),
    ]


@pytest.mark.parametrize(
    ("name", "choices", "suggestion"),
    [
        (
            "webinar_wached",
            ["webinar_watched", "trial_started"],
            " (did you mean 'webinar_watched'?)",
        ),
        ("xyz", ["webinar_watched"], ""),
        ("lead", [], ""),
    ],
)
def test_did_you_mean_names_the_closest_choice_or_nothing(
    name: str, choices: list[str], suggestion: str
) -> None:
    assert did_you_mean(name, choices) == suggestion


@pytest.mark.parametrize(
    ("moved", "expected"),
    [
        ({"diagnosis": "won"}, []),
        (
            {"quote": "won"},
            [
                (
                    ("pipelines", "p", "moved_stages", "quote"),
                    "stage 'quote' is still in the pipeline: nothing to move",
                )
            ],
        ),
        (
            {"diagnosis": "wonn"},
            [
                (
                    ("pipelines", "p", "moved_stages", "diagnosis"),
                    "unknown stage 'wonn' (did you mean 'won'?) in pipeline 'p'",
                )
            ],
        ),
    ],
)
def test_moved_stages_map_removed_stages_to_existing_ones(
    moved: dict[str, str], expected: list[tuple[SpecPath, str]]
) -> None:
    pipeline = {
        "stages": [
            {"key": "quote", "probability": 0.5},
            {"key": "won", "probability": 1, "kind": "won"},
            {"key": "lost", "probability": 0, "kind": "lost"},
        ],
        "moved_stages": moved,
    }
    found = problems(spec(pipelines={"p": pipeline}))
    assert [(problem.path, problem.message) for problem in found] == expected
