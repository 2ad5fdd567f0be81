"""Reading `embudo.yaml`: YAML text to a validated `FunnelSpec`, or every problem with its line.

The text is composed once into a node tree: walking the tree gives the line of
every key and list item (and catches duplicate keys, which PyYAML would
silently drop), and constructing the same tree gives the data. Problems from
pydantic and from `spec_check` are paths into that data, so each one is
printed as `file:line path: message`, the way compilers report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from embudo.domain import spec_check
from embudo.domain.errors import InvalidInput, SpecError
from embudo.domain.spec import FunnelSpec
from embudo.domain.spec_check import SpecPath, SpecProblem, did_you_mean

TEMPLATES: tuple[str, ...] = ("b2b-saas", "clinic", "tourism", "university")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_UNION_TAGS = frozenset(
    {"all", "any", "not", "event", "trait", "company", "score"}
    | {"add_to_list", "remove_from_list", "set_property", "assign_owner"}
    | {"create_task", "create_deal", "notify"}
)
"""Keys that pick a condition or playbook action; pydantic repeats them in error paths."""


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """A valid funnel definition with the text and data it came from."""

    spec: FunnelSpec
    source: str
    document: dict[str, Any]


def load_spec(path: Path) -> LoadedSpec:
    """Read and validate a funnel definition file; `SpecError` lists every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "create one with `embudo init --template NAME`"
        raise SpecError([f"{path}: no such file — {hint}"]) from None
    except UnicodeDecodeError:
        raise SpecError([f"{path}: not UTF-8 text — save the file as UTF-8"]) from None
    except OSError as error:
        raise SpecError([f"{path}: cannot read: {error.strerror}"]) from None
    return parse_spec(text, str(path))


def parse_spec(text: str, filename: str) -> LoadedSpec:
    """Validate a funnel definition given as text; `filename` is only used in messages."""
    tree = _read_yaml(text, filename)
    document = _top_mapping(tree, filename)
    try:
        spec = FunnelSpec.model_validate(document)
    except ValidationError as error:
        found = [*tree.duplicates, *_validation_problems(error, document)]
        raise _spec_error(tree, found, filename) from None
    found = [*tree.duplicates, *spec_check.problems(spec)]
    if found:
        raise _spec_error(tree, found, filename)
    return LoadedSpec(spec=spec, source=text, document=document)


def template_text(name: str) -> str:
    """The text of a shipped template, the starting point of `embudo init`."""
    if name not in TEMPLATES:
        choices = ", ".join(TEMPLATES)
        raise InvalidInput(f"unknown template '{name}' — choose one of: {choices}")
    return files("embudo.templates").joinpath(f"{name}.yaml").read_text(encoding="utf-8")


@dataclass(slots=True)
class _Tree:
    """The constructed data, the line of every key path, and the keys given twice."""

    data: Any = None
    lines: dict[SpecPath, int] = field(default_factory=dict)
    duplicates: list[SpecProblem] = field(default_factory=list)
    _visited: set[int] = field(default_factory=set)

    def visit(self, node: yaml.Node, path: SpecPath) -> None:
        """Record lines below `node`; an aliased node is walked once, at its first path."""
        if id(node) in self._visited:
            return
        self._visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._visit_mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self.visit(item, (*path, index))

    def _visit_mapping(self, node: yaml.MappingNode, path: SpecPath) -> None:
        first: dict[str, int] = {}
        for key_node, value in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first:
                message = f"duplicate key '{key}' (first at line {first[key]}); keep only one"
                self.duplicates.append(SpecProblem((*path, key), message))
            first.setdefault(key, line)
            self.lines[(*path, key)] = line
            self.visit(value, (*path, key))

    def line(self, path: SpecPath) -> int:
        """The line of the deepest node of `path` that is in the file."""
        for length in range(len(path), 0, -1):
            if path[:length] in self.lines:
                return self.lines[path[:length]]
        return self.lines.get((), 1)


def _read_yaml(text: str, filename: str) -> _Tree:
    """Compose, walk, then construct: construction flattens merge keys in place.

    The loader refuses characters YAML does not allow (control characters)
    as soon as it is made, so making it is inside the error handling too.
    """
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as error:
        raise SpecError([f"{filename}: not valid YAML: {error}"]) from None
    try:
        root = loader.get_single_node()
        tree = _Tree()
        if root is not None:
            tree.lines[()] = root.start_mark.line + 1
            tree.visit(root, ())
            tree.data = loader.construct_document(root)
        return tree
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise SpecError([f"{where}: not valid YAML: {error.problem or error.context}"]) from None
    except yaml.YAMLError as error:
        raise SpecError([f"{filename}: not valid YAML: {error}"]) from None
    finally:
        loader.dispose()


def _top_mapping(tree: _Tree, filename: str) -> dict[str, Any]:
    if tree.data is None:
        hint = "start from `embudo init --template NAME`"
        raise SpecError([f"{filename}: the file is empty — {hint}"])
    if not isinstance(tree.data, dict):
        found = _describe(tree.data)
        message = (
            f"the top level must be a mapping of sections (lifecycle:, events:, ...), not {found}"
        )
        raise SpecError([f"{filename}:{tree.line(())}: {message}"])
    return tree.data


def _spec_error(tree: _Tree, found: list[SpecProblem], filename: str) -> SpecError:
    """Every problem as one line, in file order."""
    ordered = sorted(found, key=lambda problem: tree.line(problem.path))
    return SpecError([_format(problem, tree.line(problem.path), filename) for problem in ordered])


def _format(problem: SpecProblem, line: int, filename: str) -> str:
    if not problem.path:
        return f"{filename}:{line}: {problem.message}"
    return f"{filename}:{line} {_dotted(problem.path)}: {problem.message}"


def _dotted(path: SpecPath) -> str:
    """`qualification.mql.any[1].event`: keys joined by dots, list indexes in brackets."""
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


def _validation_problems(error: ValidationError, document: dict[str, Any]) -> list[SpecProblem]:
    """Pydantic errors as problems; several errors on one value become one problem."""
    grouped: dict[SpecPath, list[ErrorDetails]] = {}
    for detail in error.errors(include_url=False):
        grouped.setdefault(_data_path(detail, document), []).append(detail)
    return [SpecProblem(path, _message(details, document)) for path, details in grouped.items()]


def _data_path(detail: ErrorDetails, document: dict[str, Any]) -> SpecPath:
    """The error's `loc` as keys into the data, without the segments pydantic adds.

    Pydantic inserts a union's tag (`any`, `trait`, `str`, `[key]`) after the
    value it validates; a tag that is also a key of the condition is told apart
    by what follows it: something, or nothing when the condition as a whole failed.
    """
    path: list[str | int] = []
    here: Any = document
    tagged = False
    loc = detail["loc"]
    for index, segment in enumerate(loc):
        last = index == len(loc) - 1
        if not tagged and _is_tag(here, segment) and (not last or detail["type"] == "value_error"):
            tagged = True
        elif _contains(here, segment):
            path.append(segment)
            here, tagged = here[segment], False
        elif last and detail["type"] == "missing":
            path.append(segment)
    return tuple(path)


def _is_tag(here: Any, segment: str | int) -> bool:
    return isinstance(here, dict) and segment in _UNION_TAGS and segment in here


def _contains(here: Any, segment: str | int) -> bool:
    if isinstance(here, dict):
        return segment in here
    return isinstance(here, list) and isinstance(segment, int) and 0 <= segment < len(here)


def _message(details: list[ErrorDetails], document: dict[str, Any]) -> str:
    if len(details) > 1 and all(_is_type_error(detail) for detail in details):
        return _wrong_type(details)
    return "; ".join(dict.fromkeys(_one_message(detail, document) for detail in details))


def _one_message(detail: ErrorDetails, document: dict[str, Any]) -> str:
    kind, loc = detail["type"], detail["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return f"unknown key '{key}'{did_you_mean(key, _key_choices(detail, document))}"
    if kind == "missing":
        return "required"
    if kind == "string_pattern_mismatch":
        rule = "use lowercase letters, digits and _, starting with a letter"
        return f"{detail['input']!r} is not a valid key: {rule}"
    if loc and loc[-1] == "[key]":
        return f"key {detail['input']!r}: {_plain(detail['msg'])}"
    if _is_type_error(detail):
        return _wrong_type([detail])
    return _plain(detail["msg"])


def _is_type_error(detail: ErrorDetails) -> bool:
    return detail["type"].endswith(("_type", "_parsing"))


def _wrong_type(details: list[ErrorDetails]) -> str:
    """`should be a valid string, integer or number, got a list`."""
    expected = [_expected_type(detail["msg"]) for detail in details]
    choices = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0]
    return f"should be a valid {choices}, got {_describe(details[0]['input'])}"


def _expected_type(message: str) -> str:
    """`integer` from `Input should be a valid integer, unable to parse ...`."""
    expected = _plain(message).split(",")[0].split(" or instance of ")[0]
    return expected.removeprefix("should be a valid ").replace("dictionary", "mapping")


def _plain(message: str) -> str:
    """Pydantic's wording, shortened to read after `path:`."""
    message = message.removeprefix("Value error, ").removeprefix("Input ")
    return message[:1].lower() + message[1:]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else repr(value)


def _key_choices(detail: ErrorDetails, document: dict[str, Any]) -> list[str]:
    """Keys allowed next to the unknown one: those of every model its known siblings fit."""
    siblings = _parent(detail, document)
    known = set(siblings) & _all_keys() if isinstance(siblings, dict) else set()
    fitting = [keys for keys in _model_keys() if known <= keys]
    return sorted(set().union(*fitting))


def _parent(detail: ErrorDetails, document: dict[str, Any]) -> Any:
    here: Any = document
    for segment in _data_path(detail, document)[:-1]:
        here = here[segment]
    return here


@cache
def _model_keys() -> tuple[frozenset[str], ...]:
    """The keys of each model of the definition, read from its JSON schema."""
    schema = FunnelSpec.model_json_schema(by_alias=True)
    models: Iterable[dict[str, Any]] = [schema, *schema.get("$defs", {}).values()]
    return tuple(frozenset(model["properties"]) for model in models if "properties" in model)


@cache
def _all_keys() -> frozenset[str]:
    return frozenset().union(*_model_keys())
