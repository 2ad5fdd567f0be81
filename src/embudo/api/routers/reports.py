"""`/api/v1/reports`: every report of `embudo report NAME`, with the same parameters and JSON.

The route validates, then runs the report through the same runner as the CLI
(`run_report`) on an Ibis backend over the API's own store, at the request's
clock. The JSON is the CLI's text byte for byte; CSV, XLSX and Parquet come
as downloads. A report runs on a connection of its own, outside the
request's transaction: it only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import Engine

from embudo.analytics.engines import open_backend
from embudo.analytics.params import ReportParams, parse_params
from embudo.analytics.report import Report, ReportResult, check_params, run_report
from embudo.analytics.reports import REPORTS, find_report
from embudo.api.dependencies import EngineDep, NowDep, ReadingDep
from embudo.api.problems import PROBLEMS
from embudo.api.schemas.reports import ReportInfo, ReportJson
from embudo.domain.attribution import Model
from embudo.domain.errors import InvalidInput, NotFound
from embudo.io.report_files import MEDIA_TYPES, FileFormat, report_bytes

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEMS)
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or a file with `format=csv|xlsx|parquet`",
        "content": {
            MEDIA_TYPES[kind]: {"schema": {"type": "string", "format": "binary"}}
            for kind in (FileFormat.CSV, FileFormat.XLSX, FileFormat.PARQUET)
        },
    }
}


@router.get("")
def list_reports(workspace: ReadingDep) -> list[ReportInfo]:
    """Every report there is, its columns and the parameters it takes (for a `read` key)."""
    return [_info(report) for report in REPORTS.values()]


def _info(report: Report) -> ReportInfo:
    return ReportInfo(
        name=report.name,
        summary=report.summary,
        columns=list(report.columns),
        dimensions=sorted(kind.value for kind in report.dimensions),
        modes=sorted(mode.value for mode in report.modes),
        models=[model.value for model in Model] if report.models else [],
    )


@router.get("/{name}", response_model=ReportJson, responses=DOWNLOADS)
def get_report(
    workspace: ReadingDep,
    engine: EngineDep,
    now: NowDep,
    name: str,
    start: Annotated[
        str | None, Query(alias="from", description="First day, YYYY-MM-DD [all history]")
    ] = None,
    to: Annotated[str | None, Query(description="Last day, YYYY-MM-DD (included)")] = None,
    by: Annotated[
        str | None, Query(description="channel, campaign, owner, pipeline, month, property:NAME")
    ] = None,
    compare: Annotated[str | None, Query(description="previous: add the previous period")] = None,
    mode: Annotated[str | None, Query(description="funnel: cohort (default) or period")] = None,
    model: Annotated[
        str | None, Query(description="attribution: one model, e.g. linear [all six]")
    ] = None,
    half_life: Annotated[
        str | None,
        Query(alias="half-life", description="attribution: time-decay's half-life in days [7]"),
    ] = None,
    file_format: Annotated[FileFormat, Query(alias="format")] = FileFormat.JSON,
) -> Response:
    """Report `name` for the days `from` to `to` (the workspace's zone), as the CLI gives it."""
    chosen = _known(name)
    params = parse_params(start, to, by, compare, mode, model, half_life)
    check_params(chosen, params)
    result = _run(engine, chosen, workspace.name, params, now)
    return _answer(result, file_format)


def _known(name: str) -> Report:
    """The report, or a 404 naming the ones there are (the CLI's message)."""
    try:
        return find_report(name)
    except InvalidInput as error:
        raise NotFound(str(error)) from None


def _run(
    engine: Engine, report: Report, workspace: str, params: ReportParams, now: datetime
) -> ReportResult:
    backend = open_backend(engine.url.render_as_string(hide_password=False))
    try:
        return run_report(report, backend, workspace, params, now)
    finally:
        backend.disconnect()


def _answer(result: ReportResult, kind: FileFormat) -> Response:
    """The JSON inline; the other formats as a download named after the report."""
    headers = {}
    if kind is not FileFormat.JSON:
        headers["Content-Disposition"] = f'attachment; filename="{result.report}.{kind.value}"'
    return Response(report_bytes(result, kind), media_type=MEDIA_TYPES[kind], headers=headers)
