"""`embudo report NAME`: run a report on the store or a Parquet snapshot, print or write it."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from embudo.analytics.engines import open_backend
from embudo.analytics.params import parse_params
from embudo.analytics.report import ReportResult, run_report
from embudo.analytics.reports import REPORTS, find_report
from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import clock
from embudo.domain.errors import InvalidInput
from embudo.io.report_files import BINARY, FileFormat, report_text, write_report


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


WIDE = 240
"""Columns of a table printed to a file or a pipe: wide enough never to cut a header."""


@app.command("report")
def report(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(sorted(REPORTS))}")],
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD [default: all history]")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (included)")] = None,
    by: Annotated[
        str | None,
        typer.Option(help="channel, campaign, owner, pipeline, month or property:NAME"),
    ] = None,
    compare: Annotated[
        str | None, typer.Option(help="previous: add the previous period of equal length")
    ] = None,
    mode: Annotated[str | None, typer.Option(help="funnel: cohort (default) or period")] = None,
    engine: Annotated[
        str | None, typer.Option(help="duckdb:DIR, a snapshot from `embudo export parquet`")
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json, csv, xlsx or parquet")
    ] = ReportFormat.TABLE,
    output: Annotated[Path | None, typer.Option(help="Write to this file")] = None,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Run a report: all history, or the days from --from to --to in the workspace's zone."""
    chosen = find_report(name)
    params = parse_params(start, end, by, compare, mode)
    _check_output(output_format, output)
    configured = settings(db, workspace)
    backend = open_backend(configured.database_url, engine)
    try:
        result = run_report(chosen, backend, configured.workspace, params, clock())
    finally:
        backend.disconnect()
    _emit(result, output_format, output)


def _check_output(kind: ReportFormat, output: Path | None) -> None:
    if FileFormat.__members__.get(kind.name) in BINARY and output is None:
        raise InvalidInput(f"--format {kind} writes a file — add --output FILE")


def _emit(result: ReportResult, kind: ReportFormat, output: Path | None) -> None:
    if kind is ReportFormat.TABLE:
        target = None if output is None else output.open("w", encoding="utf-8")
        console = Console(file=target)
        if not console.is_terminal:
            console = Console(file=target, width=WIDE)
        console.print(report_rich_table(result))
        return
    file_format = FileFormat(kind.value)
    if output is not None:
        write_report(result, file_format, output)
    else:
        typer.echo(report_text(result, file_format), nl=False)


def report_rich_table(result: ReportResult) -> Table:
    """The terminal table: rates as percentages, amounts with two decimals, empty for none."""
    table = Table(*result.columns, title=result.report)
    for column in result.columns:
        if column not in {"period", "month"} and any(
            isinstance(row.get(column), int | float | Decimal) for row in result.rows
        ):
            table.columns[result.columns.index(column)].justify = "right"
    for row in result.rows:
        table.add_row(*(_cell(column, row.get(column)) for column in result.columns))
    return table


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
