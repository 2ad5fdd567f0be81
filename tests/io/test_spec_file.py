"""Reading `embudo.yaml`: every problem as `file:line path: message`, templates that load."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from embudo.domain.errors import InvalidInput, SpecError
from embudo.io.spec_file import TEMPLATES, LoadedSpec, load_spec, parse_spec, template_text

BASE = """\
lifecycle:
  stages:
    - {key: lead}
    - {key: mql, team: shared, section: mofu}
    - {key: sql, team: sales, section: bofu}
    - {key: nurture, kind: nurture}
    - {key: disqualified, kind: disqualified}
  moves:
    recycle: {from: [mql, sql], to: nurture}
    disqualify: {from: [lead, mql], to: disqualified}
events:
  webinar_registered: {section: mofu}
  webinar_watched: {section: mofu}
"""
"""A valid spec of 13 lines: whatever a test appends starts at line 14."""


def problems_of(text: str) -> list[str]:
    with pytest.raises(SpecError) as raised:
        parse_spec(text, "embudo.yaml")
    return raised.value.problems


def test_a_valid_spec_loads_with_its_text_and_data() -> None:
    loaded = parse_spec(BASE, "embudo.yaml")
    assert isinstance(loaded, LoadedSpec)
    assert loaded.source == BASE
    assert loaded.document["events"] == {
        "webinar_registered": {"section": "mofu"},
        "webinar_watched": {"section": "mofu"},
    }
    assert [stage.key for stage in loaded.spec.lifecycle.funnel] == ["lead", "mql", "sql"]


def test_an_unknown_event_is_reported_at_its_line_with_a_suggestion() -> None:
    text = BASE + (
        "qualification:\n"  # 14
        "  mql:\n"  # 15
        "    any:\n"  # 16
        "      - event: webinar_registered\n"  # 17
        "      - event: webinar_wached\n"  # 18
    )
    assert problems_of(text) == [
        "embudo.yaml:18 qualification.mql.any[1].event: "
        "unknown event 'webinar_wached' (did you mean 'webinar_watched'?)"
    ]


@pytest.mark.parametrize(
    ("appended", "problem"),
    [
        pytest.param(
            "sla:\n  mql_per_month: 20\n  first_touch_hours: 24\n  mql_per_month: 30\n",
            "embudo.yaml:17 sla.mql_per_month: duplicate key 'mql_per_month' (first at line 15);"
            " keep only one",
            id="duplicate key",
        ),
        pytest.param(
            "sla:\n  mql_per_month: twenty\n",
            "embudo.yaml:15 sla.mql_per_month: should be a valid integer, got 'twenty'",
            id="wrong type",
        ),
        pytest.param(
            "sla:\n  close_ratio: 0.25\n  clse_ratio: 0.25\n",
            "embudo.yaml:16 sla.clse_ratio: unknown key 'clse_ratio' (did you mean 'close_ratio'?)",
            id="unknown key",
        ),
        pytest.param(
            "scoring:\n  fit:\n    - {name: spain, when: {trait: country, eq: ES}}\n",
            "embudo.yaml:16 scoring.fit[0].points: required",
            id="missing key",
        ),
        pytest.param(
            "qualification:\n  mql: {trait: email, exists: true, in: [a]}\n",
            "embudo.yaml:15 qualification.mql: give exactly one operator of: eq, ne, in, not_in,"
            " gt, gte, lt, lte, exists, contains, starts_with, ends_with",
            id="condition as a whole",
        ),
        pytest.param(
            "qualification:\n  mql:\n    not:\n      {event: webinar_watched, times: 0}\n",
            "embudo.yaml:17 qualification.mql.not.times: should be greater than or equal to 1",
            id="nested condition field",
        ),
        pytest.param(
            "qualification:\n  mql: {trait: country, eq: [ES, IT]}\n",
            "embudo.yaml:15 qualification.mql.eq: should be a valid string, integer, number or"
            " boolean, got a list",
            id="scalar of the wrong type",
        ),
        pytest.param(
            "playbooks:\n  - name: p\n    when: {contact_enters: mql}\n    do:\n"
            "      - {send: x}\n",
            "embudo.yaml:18 playbooks[0].do[0]: an action is one of: add_to_list,"
            " remove_from_list, set_property, assign_owner, create_task, create_deal, notify",
            id="unknown action",
        ),
    ],
)
def test_a_problem_is_one_line_with_file_line_and_path(appended: str, problem: str) -> None:
    assert problems_of(BASE + appended) == [problem]


def test_a_duplicate_section_also_reports_what_the_kept_one_breaks() -> None:
    assert problems_of(BASE + "events:\n  Webinar: {}\n") == [
        "embudo.yaml:14 events: duplicate key 'events' (first at line 11); keep only one",
        "embudo.yaml:15 events.Webinar: 'Webinar' is not a valid key: use lowercase letters,"
        " digits and _, starting with a letter",
    ]


def test_every_validation_problem_is_reported_in_file_order() -> None:
    text = """\
lifecycle:
  stages:
    - {key: lead, team: finance}
    - {label: MQL}
sla:
  close_ratio: 5
  close_ratio: 0.5
chanels: []
"""
    assert problems_of(text) == [
        "embudo.yaml:3 lifecycle.stages[0].team: should be 'marketing', 'sales' or 'shared'",
        "embudo.yaml:4 lifecycle.stages[1].key: required",
        "embudo.yaml:7 sla.close_ratio: duplicate key 'close_ratio' (first at line 6);"
        " keep only one",
        "embudo.yaml:8 chanels: unknown key 'chanels' (did you mean 'channels'?)",
    ]


def test_every_cross_reference_problem_is_reported_in_file_order() -> None:
    text = BASE.replace("to: nurture", "to: lead") + (
        "qualification:\n"  # 14
        "  nurture: {event: webinar_watched}\n"  # 15
        "  sql: {event: trial_started}\n"  # 16
    )
    assert problems_of(text) == [
        "embudo.yaml:9 lifecycle.moves.recycle.to: a recycle move goes to a nurture stage;"
        " 'lead' is a funnel stage",
        "embudo.yaml:15 qualification.nurture: stage 'nurture' is a nurture stage;"
        " only funnel stages qualify",
        "embudo.yaml:16 qualification.sql.event: unknown event 'trial_started'",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            "lifecycle:\n  stages: [\n    {key: lead}\nevents: {}\n",
            "embudo.yaml:4: not valid YAML: expected ',' or ']', but got '<scalar>'",
            id="unclosed list",
        ),
        pytest.param(
            "lifecycle:\n  stages: - lead\n",
            "embudo.yaml:2: not valid YAML: sequence entries are not allowed here",
            id="sequence after a key",
        ),
        pytest.param(
            "x: !!python/object:os.system ls\n",
            "embudo.yaml:1: not valid YAML: could not determine a constructor for the tag"
            " 'tag:yaml.org,2002:python/object:os.system'",
            id="unsafe tag",
        ),
        pytest.param(
            "- lifecycle\n- events\n",
            "embudo.yaml:1: the top level must be a mapping of sections"
            " (lifecycle:, events:, ...), not a list",
            id="top level list",
        ),
        pytest.param(
            "# nothing yet\n",
            "embudo.yaml: the file is empty — start from `embudo init --template NAME`",
            id="empty",
        ),
        pytest.param(
            "\x83name: x\n",
            "embudo.yaml: not valid YAML: unacceptable character #x0083: special characters"
            ' are not allowed\n  in "<unicode string>", position 0',
            id="control character",
        ),
    ],
)
def test_a_file_that_is_not_a_yaml_mapping_is_one_problem(text: str, problem: str) -> None:
    assert problems_of(text) == [problem]


def test_load_spec_reads_the_file_and_names_it_as_given(tmp_path: Path) -> None:
    path = tmp_path / "embudo.yaml"
    path.write_text(BASE + "sla: {mql_per_month: 0}\n", encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    assert raised.value.problems == [f"{path}:14 sla.mql_per_month: should be greater than 0"]


def test_load_spec_of_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    path = tmp_path / "embudo.yaml"
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    assert str(raised.value) == (
        f"{path}: no such file — create one with `embudo init --template NAME`"
    )


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_loads_with_no_problems(name: str, tmp_path: Path) -> None:
    path = tmp_path / "embudo.yaml"
    path.write_text(template_text(name), encoding="utf-8")
    loaded = load_spec(path)
    assert [stage.key for stage in loaded.spec.lifecycle.funnel] == [
        "visitor",
        "lead",
        "mql",
        "sal",
        "sql",
        "opportunity",
        "customer",
    ]
    assert set(loaded.spec.qualification) == {"lead", "mql", "sql"}


def test_the_b2b_saas_template_carries_the_seeds_definitions() -> None:
    qualification = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml").document["qualification"]
    assert qualification["mql"] == {
        "all": [{"event": "webinar_registered"}, {"event": "webinar_watched"}]
    }
    assert qualification["sql"] == {
        "all": [{"event": "price_list_downloaded"}, {"event": "trial_started", "within_days": 30}]
    }


def test_the_template_list_matches_the_shipped_files() -> None:
    shipped = {
        entry.name.removesuffix(".yaml")
        for entry in files("embudo.templates").iterdir()
        if entry.name.endswith(".yaml")
    }
    assert sorted(shipped) == list(TEMPLATES)


def test_an_unknown_template_names_the_choices() -> None:
    with pytest.raises(InvalidInput) as raised:
        template_text("hotel")
    assert str(raised.value) == (
        "unknown template 'hotel' — choose one of: b2b-saas, clinic, tourism, university"
    )
