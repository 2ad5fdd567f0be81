"""How list commands print: a terminal table, JSON or CSV, chosen by `--format`."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FormatOption = Annotated[Format, typer.Option("--format", help="table, json or csv")]


def print_rows(rows: list[dict[str, Any]], output: Format) -> None:
    """Rows as a terminal table, JSON or CSV: the one way list commands print."""
    if output is Format.JSON:
        typer.echo(json.dumps(rows, default=str, indent=2))
    elif output is Format.CSV and rows:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    elif output is Format.TABLE:
        table = Table(*(rows[0] if rows else ["id"]))
        for row in rows:
            table.add_row(*(_cell(value) for value in row.values()))
        Console().print(table)


def _cell(value: Any) -> str:
    """Scores read to one decimal; amounts (Decimal) keep theirs."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)
