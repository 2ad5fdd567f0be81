"""A preset's CSV files: found among the paths given, header checked, rows with `file:row`.

A preset knows its files by their original names and the header each was
published with. PATH may be the files or the folder holding them. A missing
file, or a file without a column the preset needs, is an error that names the
file, the column and the expected header, before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from embudo.domain.errors import InvalidInput
from embudo.io.presets.quirks import QuirkLog

if TYPE_CHECKING:
    from _csv import Reader

CRLF = "CRLF line endings (read as usual)"
RAGGED = "row with a wrong number of fields (row skipped)"


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A file a preset reads: its published name and header, and the columns it needs."""

    name: str
    header: tuple[str, ...]
    required: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One data row; `where` is `file:line` (the header is line 1)."""

    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __getitem__(self, column: str) -> str:
        """The cell, stripped; an absent column reads as empty."""
        return (self.values.get(column) or "").strip()


def locate(preset: str, wanted: Sequence[CsvFile], paths: Sequence[Path]) -> dict[str, Path]:
    """Each file the preset reads, from the files named or the folders holding them."""
    found: dict[str, Path] = {}
    names = [file.name for file in wanted]
    for path in paths:
        if path.is_dir():
            found |= {name: path / name for name in names if (path / name).is_file()}
        elif path.is_file() and path.name in names:
            found[path.name] = path
        elif path.is_file():
            raise InvalidInput(
                f"{path}: not a file of preset '{preset}' — it reads {', '.join(names)} "
                "(give them under these names, or the folder holding them)"
            )
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    for file in wanted:
        if file.name not in found:
            raise InvalidInput(
                f"{file.name}: missing — preset '{preset}' needs it, with the header "
                f"{','.join(file.header)}; give the file or the folder holding it"
            )
    return found


def read_rows(preset: str, file: CsvFile, path: Path, quirks: QuirkLog) -> list[Row]:
    """The rows of a file whose header has every required column."""
    raw = _bytes(path)
    if b"\r\n" in raw:
        quirks.add(CRLF, file.name, "the file ends its lines with CRLF (Windows)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path}: not UTF-8 text (byte {error.start}) — save the file as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    _check_header(preset, file, header)
    return list(_rows(file.name, header, reader, quirks))


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from None


def _check_header(preset: str, file: CsvFile, header: list[str]) -> None:
    missing = [column for column in file.required if column not in header]
    if missing:
        columns = ", ".join(f"'{column}'" for column in missing)
        raise InvalidInput(
            f"{file.name}: missing column {columns} — preset '{preset}' expects the header "
            f"{','.join(file.header)}"
        )


def _rows(name: str, header: list[str], reader: Reader, quirks: QuirkLog) -> Iterator[Row]:
    """Rows as dicts, numbered by the line they end on; a blank line is skipped, a row
    of the wrong width is a quirk."""
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            where = f"{name}:{line}"
            quirks.add(RAGGED, where, f"{len(cells)} fields, the header has {len(header)}")
            continue
        yield Row(name, line, dict(zip(header, cells, strict=True)))
