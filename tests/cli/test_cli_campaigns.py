"""`embudo campaign cost` as a marketer runs it: recorded, corrected, refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from command_line import embudo

TOUCH = {
    "type": "page",
    "messageId": "p1",
    "userId": "ana",
    "timestamp": "2026-03-02T09:00:00Z",
    "context": {"campaign": {"name": "spring", "source": "google", "medium": "cpc"}},
}


def test_record_correct_and_refuse(tmp_path: Path, store_url: str) -> None:
    db = ("--db", store_url)
    assert embudo(tmp_path, "init", "--template", "clinic", *db).returncode == 0
    assert embudo(tmp_path, "ingest", "-", *db, stdin=json.dumps(TOUCH) + "\n").returncode == 0
    period = ("--from", "2026-03-01", "--to", "2026-03-31")

    done = embudo(tmp_path, "campaign", "cost", "spring", *period, "--amount", "310", *db)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "recorded: spring 2026-03-01 to 2026-03-31, 310 EUR\n"
    again = embudo(
        tmp_path,
        "campaign",
        "cost",
        "spring",
        *period,
        "--amount",
        "300.5",
        "--currency",
        "usd",
        *db,
    )
    assert again.stdout == "corrected: spring 2026-03-01 to 2026-03-31, 300.5 USD\n"

    unknown = embudo(tmp_path, "campaign", "cost", "autumn", *period, "--amount", "1", *db)
    assert unknown.returncode == 1
    assert "no campaign 'autumn'" in unknown.stderr
    bad = embudo(
        tmp_path,
        "campaign",
        "cost",
        "spring",
        "--from",
        "2026-04-01",
        "--to",
        "2026-04-31",
        "--amount",
        "1",
        *db,
    )
    assert bad.returncode == 1
    assert "--to '2026-04-31' is not a date" in bad.stderr
    words = embudo(
        tmp_path,
        "campaign",
        "cost",
        "spring",
        "--from",
        "2026-04-01",
        "--to",
        "2026-04-30",
        "--amount",
        "lots",
        *db,
    )
    assert words.returncode == 1
    assert "amount 'lots' is not a number" in words.stderr
