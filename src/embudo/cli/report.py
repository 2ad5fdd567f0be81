"""`embudo report NAME`: run a report on the store or a Parquet snapshot, print or write it.

Ibis, DuckDB, PyArrow and openpyxl take seconds to import, so this module
imports them only when a report runs: every other command starts as fast as
it did before reports existed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import clock


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


@app.command("report")
def report(
    name: Annotated[
        str, typer.Argument(help="health, funnel, flow, pipeline, ... (a wrong name lists them)")
    ],
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
    model: Annotated[
        str | None,
        typer.Option(help="attribution: one model (first-touch, ..., time-decay) [default: all]"),
    ] = None,
    half_life: Annotated[
        str | None, typer.Option("--half-life", help="attribution: time-decay's half-life, days")
    ] = None,
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
    from embudo.analytics.engines import open_backend
    from embudo.analytics.params import parse_params
    from embudo.analytics.report import check_params, run_report
    from embudo.analytics.reports import find_report
    from embudo.cli.report_output import check_output, emit

    chosen = find_report(name)
    params = parse_params(start, end, by, compare, mode, model, half_life)
    check_params(chosen, params)
    check_output(output_format.value, output)
    configured = settings(db, workspace)
    backend = open_backend(configured.database_url, engine)
    try:
        result = run_report(chosen, backend, configured.workspace, params, clock())
    finally:
        backend.disconnect()
    emit(result, output_format.value, output)
