"""Small files in the formats of the real exports, written by the tests, and a whole-store dump.

Each writer takes rows as lists of cells and writes them under the original
file name with the original header, so a test shows the rows it is about.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from embudo.io.presets.maven import PIPELINE_FILE
from embudo.io.presets.maven_catalog import ACCOUNTS, PRODUCTS, TEAMS
from embudo.io.presets.olist import DEALS, MQLS
from embudo.store.tables import metadata

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
MQL_A = "a" * 32
MQL_B = "b" * 32
MQL_C = "c" * 32
SDR = "5" * 32
SR = "6" * 32


def write(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    crlf: bool = False,
) -> Path:
    """A CSV file `name` in `folder`; `crlf` ends lines the Windows way, as Maven's files do."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def deal_row(
    mql_id: str,
    won: str,
    *,
    profile: str = "cat",
    revenue: str = "0.0",
    sdr: str = SDR,
    sr: str = SR,
) -> list[str]:
    """A closed-deals row: the columns the preset reads, the rest as the real file leaves them."""
    return [
        mql_id,
        "d" * 32,
        sdr,
        sr,
        won,
        "pet",
        "online_medium",
        profile,
        "",
        "",
        "",
        "reseller",
        "",
        revenue,
    ]


def olist_files(
    folder: Path,
    mqls: Sequence[Sequence[str]] | None = None,
    deals: Sequence[Sequence[str]] | None = None,
) -> Path:
    """Both Olist files: by default three MQLs (one without origin), two won deals."""
    mqls = (
        mqls
        if mqls is not None
        else [
            [MQL_A, "2018-02-01", "e" * 32, "social"],
            [MQL_B, "2018-03-08", "e" * 32, "paid_search"],
            [MQL_C, "2018-03-10", "f" * 32, ""],
        ]
    )
    deals = (
        deals
        if deals is not None
        else [
            deal_row(MQL_A, "2018-02-26 19:58:54", profile="cat, wolf", revenue="1500.0"),
            deal_row(MQL_B, "2018-03-06 19:38:55"),
        ]
    )
    write(folder, MQLS.name, MQLS.header, mqls)
    write(folder, DEALS.name, DEALS.header, deals)
    return folder


MAVEN_PIPELINE = [
    ["W1", "Moses Frase", "GTXPro", "Acme", "Won", "2017-01-10", "2017-03-01", "4514"],
    ["L1", "Moses Frase", "MG Special", "Acme", "Lost", "2017-01-05", "2017-01-20", "0"],
    ["E1", "Anna Snelling", "GTX Basic", "", "Engaging", "2017-06-01", "", ""],
    ["P1", "Anna Snelling", "GTX Basic", "Betatech", "Prospecting", "", "", ""],
]
"""Won (GTXPro spelling), lost at 0, engaging without account, prospecting without a date."""


def maven_files(folder: Path, pipeline: Sequence[Sequence[str]] = MAVEN_PIPELINE) -> Path:
    """The four Maven files with CRLF line endings, as published."""
    write(folder, PIPELINE_FILE.name, PIPELINE_FILE.header, pipeline, crlf=True)
    write(
        folder,
        ACCOUNTS.name,
        ACCOUNTS.header,
        [
            ["Acme", "technolgy", "1996", "1100.04", "2822", "United States", ""],
            ["Betatech", "medical", "1986", "647.18", "1185", "Kenya", ""],
        ],
        crlf=True,
    )
    write(
        folder,
        PRODUCTS.name,
        PRODUCTS.header,
        [
            ["GTX Basic", "GTX", "550"],
            ["GTX Pro", "GTX", "4821"],
            ["MG Special", "MG", "55"],
        ],
        crlf=True,
    )
    write(
        folder,
        TEAMS.name,
        TEAMS.header,
        [
            ["Moses Frase", "Dustin Brinkmann", "Central"],
            ["Anna Snelling", "Dustin Brinkmann", "Central"],
        ],
        crlf=True,
    )
    return folder


def dump_store(store: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a second import must leave all of it as it was."""
    with store.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }
