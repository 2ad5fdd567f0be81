"""The hand-off as a user runs it: queue, assign, accept/reject, tasks, `sla check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from command_line import embudo

REPS = ("rep1@example.com", "rep2@example.com")
ANA_BECOMES_MQL = [
    {
        "type": "identify",
        "messageId": "m1",
        "userId": "u1",
        "timestamp": "2026-10-02T09:00:00Z",
        "traits": {"email": "ana@example.com", "country": "ES"},
    },
    *(
        {"type": "track", "messageId": mid, "userId": "u1", "event": name, "timestamp": when}
        for mid, name, when in (
            ("m2", "webinar_registered", "2026-10-03T09:00:00Z"),
            ("m3", "webinar_watched", "2026-10-04T09:00:00Z"),
        )
    ),
]


@pytest.fixture
def mql(tmp_path: Path, store_url: str) -> Path:
    """The b2b-saas template, two sales reps, and Ana (u1) an MQL since 2026-10-04."""
    done = embudo(tmp_path, "init", "--template", "b2b-saas", "--db", store_url)
    assert done.returncode == 0, done.stderr
    for email in REPS:
        added = embudo(tmp_path, "user", "add", email, "--name", email, "--db", store_url)
        assert added.returncode == 0, added.stderr
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(m) + "\n" for m in ANA_BECOMES_MQL))
    ingested = embudo(tmp_path, "ingest", "in.jsonl", "--db", store_url)
    assert ingested.returncode == 0, ingested.stderr
    return tmp_path


def test_an_mql_is_assigned_worked_and_accepted(mql: Path, store_url: str) -> None:
    queue = embudo(mql, "queue", "--format", "json", "--db", store_url)
    assert queue.returncode == 0, queue.stderr
    [waiting] = json.loads(queue.stdout)
    assert (waiting["email"], waiting["owner"], waiting["status"]) == (
        "ana@example.com",
        REPS[0],
        "overdue",
    )

    call = ("--title", "Call Ana", "--kind", "call", "--due", "2026-12-01T10:00")
    added = embudo(mql, "task", "add", "u1", *call, "--db", store_url)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "task 2: call 'Call Ana' about u1"
    mine = ("--open", "--owner", REPS[0], "--format", "json")
    listed = embudo(mql, "task", "list", *mine, "--db", store_url)
    assert [(task["title"], task["due_at"]) for task in json.loads(listed.stdout)] == [
        ("Call the new MQL", "2026-10-05 09:00:00+00:00"),  # the template's mql_handoff playbook
        ("Call Ana", "2026-12-01 09:00:00+00:00"),
    ]

    done = embudo(mql, "task", "done", "2", "--outcome", "interested", "--db", store_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "task 2: done (interested) — late first touch: SLA breach recorded"
    )
    accepted = embudo(mql, "lead", "accept", "u1", "--by", REPS[0], "--db", store_url)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.strip() == "u1: mql → sal"
    assert json.loads(embudo(mql, "queue", "--format", "json", "--db", store_url).stdout) == []


def test_accepting_a_contact_that_is_not_an_mql_is_refused(mql: Path, store_url: str) -> None:
    assert embudo(mql, "lead", "accept", "u1", "--db", store_url).returncode == 0

    again = embudo(mql, "lead", "accept", "u1", "--db", store_url)

    assert again.returncode == 1
    assert again.stderr == (
        "error: cannot accept contact 'u1': it is in stage 'sal', "
        "and only a contact in 'mql' is handed to sales\n"
    )
    assert "stage sal" in embudo(mql, "explain", "u1", "--db", store_url).stdout


def test_reject_needs_a_listed_reason_and_goes_to_nurture(mql: Path, store_url: str) -> None:
    wrong = embudo(mql, "lead", "reject", "u1", "--reason", "meh", "--db", store_url)
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("error: --reason: unknown rejection reason 'meh' — one of: ")

    done = embudo(mql, "lead", "reject", "u1", "--reason", "not_ready", "--db", store_url)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("u1: mql → nurture")


def test_assign_and_sla_check(mql: Path, store_url: str) -> None:
    moved = embudo(mql, "lead", "assign", "u1", "--to", REPS[1], "--db", store_url)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == f"u1: assigned to {REPS[1]} (manual)"
    nobody = embudo(mql, "lead", "assign", "u1", "--to", "who@example.com", "--db", store_url)
    assert nobody.returncode == 1
    assert nobody.stderr.startswith("error: no active user 'who@example.com'")

    first = embudo(mql, "sla", "check", "--db", store_url)
    second = embudo(mql, "sla", "check", "--db", store_url)

    assert first.stdout.strip() == "recorded 1 new first-touch breaches (MQLs untouched after 24 h)"
    assert (
        second.stdout.strip() == "recorded 0 new first-touch breaches (MQLs untouched after 24 h)"
    )
