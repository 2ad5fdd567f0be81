"""A funnel definition's problems as the settings page lists them: line, path, message.

`io.spec_file` reports each problem as a compiler does (`embudo.yaml:61
qualification.mql.all[1].event: unknown event ...`); applying can add
problems found in the data (`lifecycle.stages: stage 'x' is removed but ...`),
with a path and no line. Splitting the text again (rather than keeping a
second, structured form of every error) keeps one source of truth: what the
CLI prints is what the page shows, the line made a link to the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILENAME = "embudo.yaml"
_LINE = re.compile(r":(\d+)")
_PATH = re.compile(r"[A-Za-z_][\w.\[\]-]*")


@dataclass(frozen=True, slots=True)
class Located:
    line: int | None
    path: str | None
    message: str


def locate(problem: str, filename: str = FILENAME) -> Located:
    """One problem line split into its line number, its path and its message (each if any)."""
    rest, line = problem, None
    if rest.startswith(filename):
        rest = rest[len(filename) :]
        found = _LINE.match(rest)
        if found:
            line, rest = int(found[1]), rest[found.end() :]
        if rest.startswith(": "):
            return Located(line, None, rest[2:])
        rest = rest.lstrip()
    path, colon, message = rest.partition(": ")
    if colon and _PATH.fullmatch(path):
        return Located(line, path, message)
    return Located(line, None, rest)
