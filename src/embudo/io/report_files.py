"""A report's result as a file: JSON, CSV, XLSX or Parquet (the terminal table is the CLI's).

JSON is `{"report", "params", "rows"}` with numbers as JSON numbers and rates
as fractions; the other formats hold the rows alone, one column per result
column, in the result's order. Amounts (`Decimal`) stay exact in CSV and
Parquet and become numbers in JSON and XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from embudo.analytics.report import ReportResult


class FileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


BINARY = frozenset({FileFormat.XLSX, FileFormat.PARQUET})
MEDIA_TYPES = {
    FileFormat.JSON: "application/json",
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PARQUET: "application/vnd.apache.parquet",
}
"""What each format is called over HTTP (`Content-Type`)."""


def report_text(result: ReportResult, kind: FileFormat) -> str:
    """JSON or CSV text of the result."""
    if kind is FileFormat.JSON:
        return json.dumps(result.as_json(), default=_number, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(
        [_csv_cell(row.get(column)) for column in result.columns] for row in result.rows
    )
    return buffer.getvalue()


def write_report(result: ReportResult, kind: FileFormat, path: Path) -> None:
    """Write the result to `path` in `kind`."""
    path.write_bytes(report_bytes(result, kind))


def report_bytes(result: ReportResult, kind: FileFormat) -> bytes:
    """The file's content in `kind`: what `write_report` writes and the HTTP API sends."""
    if kind not in BINARY:
        return report_text(result, kind).encode()
    buffer = io.BytesIO()
    if kind is FileFormat.XLSX:
        _write_xlsx(result, buffer)
    else:
        pq.write_table(report_table(result), buffer)
    return buffer.getvalue()


def report_table(result: ReportResult) -> pa.Table:
    """The rows as an Arrow table, columns in the result's order (types from the values)."""
    return pa.table({column: [row.get(column) for row in result.rows] for column in result.columns})


def _write_xlsx(result: ReportResult, target: io.BytesIO) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = result.report
    sheet.append(list(result.columns))
    for row in result.rows:
        sheet.append([_xlsx_cell(row.get(column)) for column in result.columns])
    book.save(target)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {value!r} as JSON")


def _csv_cell(value: Any) -> Any:
    return "" if value is None else value


def _xlsx_cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value
