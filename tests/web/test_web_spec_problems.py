"""Problems of a funnel definition split into line, path and message for the settings page."""

from __future__ import annotations

import pytest

from embudo.web.spec_problems import Located, locate


@pytest.mark.parametrize(
    ("problem", "located"),
    [
        (
            "embudo.yaml:61 qualification.mql.all[1].event: unknown event 'x': see events",
            Located(61, "qualification.mql.all[1].event", "unknown event 'x': see events"),
        ),
        (
            "embudo.yaml:3: not valid YAML: mapping values are not allowed here",
            Located(3, None, "not valid YAML: mapping values are not allowed here"),
        ),
        ("embudo.yaml: the file is empty", Located(None, None, "the file is empty")),
        (
            "lifecycle.stages: stage 'x' is removed but 3 contact(s) are in it",
            Located(None, "lifecycle.stages", "stage 'x' is removed but 3 contact(s) are in it"),
        ),
        ("something odd happened", Located(None, None, "something odd happened")),
        ("a sentence: with a colon", Located(None, None, "a sentence: with a colon")),
    ],
)
def test_a_problem_line_is_split_where_the_checker_joined_it(
    problem: str, located: Located
) -> None:
    assert locate(problem) == located
