"""A preset's files: found by name in files or folders, headers checked, rows located."""

from __future__ import annotations

from pathlib import Path

import pytest
from preset_files import write

from embudo.domain.errors import InvalidInput
from embudo.io.presets.csv_source import CRLF, RAGGED, CsvFile, locate, read_rows
from embudo.io.presets.quirks import QuirkLog

LEADS = CsvFile("leads.csv", ("id", "date", "origin"), ("id", "date"))
DEALS = CsvFile("deals.csv", ("id", "won"), ("id", "won"))


def test_files_are_found_by_name_in_folders_and_among_files(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    leads = write(folder, "leads.csv", LEADS.header, [])
    deals = write(tmp_path, "deals.csv", DEALS.header, [])
    assert locate("demo", (LEADS, DEALS), [folder, deals]) == {
        "leads.csv": leads,
        "deals.csv": deals,
    }


def test_a_missing_file_is_named_with_the_header_the_preset_expects(tmp_path: Path) -> None:
    write(tmp_path, "leads.csv", LEADS.header, [])
    with pytest.raises(
        InvalidInput, match=r"deals\.csv: missing — preset 'demo' needs it, with the header id,won"
    ):
        locate("demo", (LEADS, DEALS), [tmp_path])


def test_a_file_the_preset_does_not_read_is_refused(tmp_path: Path) -> None:
    other = write(tmp_path, "other.csv", ["x"], [])
    with pytest.raises(
        InvalidInput,
        match=r"other\.csv: not a file of preset 'demo' — it reads leads\.csv, deals\.csv",
    ):
        locate("demo", (LEADS, DEALS), [other])
    with pytest.raises(InvalidInput, match="no such file or folder"):
        locate("demo", (LEADS, DEALS), [tmp_path / "nowhere"])


def test_a_missing_column_is_named_with_the_expected_header(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", ["id", "origin"], [["1", "social"]])
    with pytest.raises(
        InvalidInput,
        match=r"leads\.csv: missing column 'date' — preset 'demo' expects the header "
        r"id,date,origin",
    ):
        read_rows("demo", LEADS, path, QuirkLog())


def test_rows_carry_their_line_and_an_absent_optional_column_reads_empty(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "leads.csv",
        ["id", "date"],
        [["1", "2018-02-01"], ["", ""], ["2", " 2018-02-02 "]],
    )
    quirks = QuirkLog()
    rows = read_rows("demo", LEADS, path, quirks)
    assert [(row.where, row["id"], row["date"], row["origin"]) for row in rows] == [
        ("leads.csv:2", "1", "2018-02-01", ""),
        ("leads.csv:4", "2", "2018-02-02", ""),
    ]
    assert len(quirks) == 0


def test_crlf_and_a_row_of_the_wrong_width_are_quirks_not_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "leads.csv",
        LEADS.header,
        [["1", "2018-02-01", "x"], ["2", "2018-02-02"]],
        crlf=True,
    )
    quirks = QuirkLog()
    rows = read_rows("demo", LEADS, path, quirks)
    assert [row["id"] for row in rows] == ["1"]
    found = {kind.kind: [(q.where, q.detail) for q in kind.examples] for kind in quirks.summary()}
    assert found == {
        CRLF: [("leads.csv", "the file ends its lines with CRLF (Windows)")],
        RAGGED: [("leads.csv:3", "2 fields, the header has 3")],
    }


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("\ufeffid,date\n1,2018-02-01\n".encode())
    assert read_rows("demo", LEADS, path, QuirkLog())[0]["id"] == "1"
