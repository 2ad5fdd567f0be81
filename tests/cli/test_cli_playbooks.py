"""`embudo list show`, `embudo outbox list` and `embudo deal rot-check` as people run them."""

from __future__ import annotations

import json
from pathlib import Path

from command_line import embudo

LEAD = {
    "type": "identify",
    "messageId": "m-ana",
    "userId": "ana",
    "timestamp": "2026-10-02T09:00:00Z",
    "traits": {"email": "ana@example.com"},
}


def test_the_clinic_playbooks_fill_lists_the_cli_shows(tmp_path: Path, store_url: str) -> None:
    db = ("--db", store_url)
    assert embudo(tmp_path, "init", "--template", "clinic", *db).returncode == 0
    assert embudo(tmp_path, "ingest", "-", *db, stdin=json.dumps(LEAD) + "\n").returncode == 0
    opened = embudo(
        tmp_path, "deal", "create", "ana", "--pipeline", "treatment", "--amount", "9", *db
    )
    assert opened.returncode == 0, opened.stderr
    assert embudo(tmp_path, "deal", "won", "1", *db).returncode == 0

    shown = embudo(tmp_path, "list", "show", "loyalty", "--format", "json", *db)
    assert shown.returncode == 0, shown.stderr
    [member] = json.loads(shown.stdout)
    assert (member["email"], member["cause"]) == ("ana@example.com", "playbook:new_patient")

    checked = embudo(tmp_path, "deal", "rot-check", *db)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().endswith("0 rotting deals, 0 new playbook runs")
    queued = embudo(tmp_path, "outbox", "list", "--limit", "5", "--format", "json", *db)
    assert (queued.returncode, json.loads(queued.stdout)) == (0, [])


def test_an_unknown_list_is_one_line_and_exit_1(tmp_path: Path, store_url: str) -> None:
    assert embudo(tmp_path, "init", "--template", "clinic", "--db", store_url).returncode == 0
    done = embudo(tmp_path, "list", "show", "nope", "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: no list 'nope' in this workspace — a playbook creates it on first use"
    )
