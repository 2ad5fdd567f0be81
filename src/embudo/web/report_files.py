"""A report's table as a download: the same rows the page shows, as CSV or XLSX.

The files come from `io.report_files`, the writer `embudo report --format`
uses, so a download and the CLI's output are the same file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.responses import Response

from embudo.analytics.report import ReportResult
from embudo.domain.errors import InvalidInput
from embudo.io.report_files import FileFormat, report_text, write_report

MEDIA = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_format(text: str) -> FileFormat:
    """`csv` or `xlsx`; anything else is a clear error."""
    if text not in {kind.value for kind in MEDIA}:
        raise InvalidInput(f"format {text!r} cannot be downloaded — use csv or xlsx")
    return FileFormat(text)


def download(result: ReportResult, kind: FileFormat) -> Response:
    """The file as an attachment named after the report and its period."""
    name = f"{_stem(result)}.{kind.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(_content(result, kind), media_type=MEDIA[kind], headers=headers)


def _content(result: ReportResult, kind: FileFormat) -> bytes:
    if kind is FileFormat.CSV:
        return report_text(result, kind).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_report(result, kind, path)
        return path.read_bytes()


def _stem(result: ReportResult) -> str:
    """`embudo-funnel-2026-01-01-2026-03-31`, or `…-all` without a period."""
    params = result.params
    ends = [day.isoformat() for day in (params.from_, params.to) if day is not None]
    return "-".join(["embudo", result.report, *(ends or ["all"])])
