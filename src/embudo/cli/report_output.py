"""How `embudo report` shows a result: a Rich table on the terminal, or a file format."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from embudo.analytics.report import ReportResult
from embudo.domain.errors import InvalidInput
from embudo.io.report_files import BINARY, FileFormat, report_text, write_report

TABLE = "table"
WIDE = 240
"""Columns of a table printed to a file or a pipe: wide enough never to cut a header."""


def check_output(kind: str, output: Path | None) -> None:
    """XLSX and Parquet are files: refuse to pour them onto the terminal."""
    if kind != TABLE and FileFormat(kind) in BINARY and output is None:
        raise InvalidInput(f"--format {kind} writes a file — add --output FILE")


def emit(result: ReportResult, kind: str, output: Path | None) -> None:
    """Print the result, or write it to `output`, in format `kind`."""
    if kind == TABLE:
        _print_table(result, output)
    elif output is not None:
        write_report(result, FileFormat(kind), output)
    else:
        typer.echo(report_text(result, FileFormat(kind)), nl=False)


def _print_table(result: ReportResult, output: Path | None) -> None:
    target = None if output is None else output.open("w", encoding="utf-8")
    try:
        console = Console(file=target)
        if not console.is_terminal:
            console = Console(file=target, width=WIDE)
        console.print(report_rich_table(result))
    finally:
        if target is not None:
            target.close()


def report_rich_table(result: ReportResult) -> Table:
    """The terminal table: rates as percentages, amounts with two decimals, empty for none."""
    table = Table(*result.columns, title=result.report)
    for index, column in enumerate(result.columns):
        if any(_is_number(row.get(column)) for row in result.rows):
            table.columns[index].justify = "right"
    for row in result.rows:
        table.add_row(*(_cell(column, row.get(column)) for column in result.columns))
    return table


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float) and _is_rate(column):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _is_rate(column: str) -> bool:
    """Columns holding fractions: `*rate*`, `conversion` and `share` (shown as percentages)."""
    return "rate" in column or column in {"conversion", "share"}
