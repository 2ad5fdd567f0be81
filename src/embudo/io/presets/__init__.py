"""Import presets: real exports (Olist, Maven) read into plans the engine applies.

Each preset module reads its files, by their original names, into an
`ImportPlan` (Segment messages, sales reps, deal steps) and notes every quirk
of the data; `plan.run_import` applies the plan through the engine. Each
preset ships its funnel definition (`NAME.yaml`), applied to a new workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

from embudo.domain.errors import InvalidInput
from embudo.io.presets.maven import plan_maven
from embudo.io.presets.olist import plan_olist
from embudo.io.presets.plan import ImportPlan
from embudo.io.spec_file import LoadedSpec, parse_spec

Planner = Callable[[Sequence[Path], LoadedSpec], ImportPlan]
PRESETS: dict[str, Planner] = {"olist": plan_olist, "maven": plan_maven}


def plan_import(preset: str, paths: Sequence[Path]) -> ImportPlan:
    """Read the files of `preset` into a plan; an unknown preset or a bad file is an error."""
    if preset not in PRESETS:
        raise InvalidInput(f"unknown preset '{preset}' — choose one of: {', '.join(PRESETS)}")
    return PRESETS[preset](paths, preset_spec(preset))


def preset_spec(preset: str) -> LoadedSpec:
    """The funnel definition a preset's data fits, shipped beside it."""
    text = files("embudo.io.presets").joinpath(f"{preset}.yaml").read_text(encoding="utf-8")
    return parse_spec(text, f"{preset}.yaml")
