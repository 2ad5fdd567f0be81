"""The `embudo` command as a user runs it: a real process, a real database, exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from command_line import embudo
from sqlalchemy import select

from embudo.store.session import connect
from embudo.store.tables import events

EXAMPLE_MESSAGES: list[dict[str, object]] = [
    {
        "type": "page",
        "messageId": "m1",
        "anonymousId": "a1",
        "timestamp": "2026-10-01T09:00:00Z",
        "properties": {"path": "/blog/funnel"},
        "context": {"campaign": {"name": "q4", "source": "google", "medium": "cpc"}},
    },
    {
        "type": "identify",
        "messageId": "m2",
        "anonymousId": "a1",
        "userId": "u1",
        "timestamp": "2026-10-02T09:00:00Z",
        "traits": {"email": "Ana@Example.com", "country": "ES"},
    },
    {
        "type": "track",
        "messageId": "m3",
        "userId": "u1",
        "event": "webinar_registered",
        "timestamp": "2026-10-03T09:00:00Z",
    },
    {
        "type": "track",
        "messageId": "m4",
        "userId": "u1",
        "event": "webinar_watched",
        "timestamp": "2026-10-04T09:00:00Z",
    },
]


@pytest.fixture
def workspace(tmp_path: Path, store_url: str) -> Path:
    """A folder with embudo.yaml from the b2b-saas template, applied to a fresh database."""
    done = embudo(tmp_path, "init", "--template", "b2b-saas", "--db", store_url)
    assert done.returncode == 0, done.stderr
    assert "workspace at version 1" in done.stdout
    return tmp_path


def lines(messages: list[dict[str, object]]) -> str:
    return "".join(json.dumps(message) + "\n" for message in messages)


def test_ingest_then_explain_shows_rules_and_causes(workspace: Path, store_url: str) -> None:
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES))
    done = embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "accepted 4, duplicates 0, rejected 0"
    explained = embudo(workspace, "explain", "ana@example.com", "--db", store_url)
    assert explained.returncode == 0, explained.stderr
    assert "stage mql" in explained.stdout
    assert "qualification.mql (v1)" in explained.stdout
    assert "webinar_watched" in explained.stdout


def test_ingest_of_a_file_keeps_the_clients_times_without_skew_correction(
    workspace: Path, store_url: str
) -> None:
    """A file read later says nothing of when its messages arrived: `originalTimestamp` holds."""
    sent: dict[str, object] = {
        "type": "track",
        "messageId": "late",
        "userId": "u1",
        "event": "webinar_watched",
        "originalTimestamp": "2026-10-05T09:00:00Z",
        "sentAt": "2026-10-05T09:00:30Z",
    }
    (workspace / "in.jsonl").write_text(lines([sent]))
    assert embudo(workspace, "ingest", "in.jsonl", "--db", store_url).returncode == 0
    engine = connect(store_url)
    try:
        with engine.connect() as conn:
            moment = conn.scalar(select(events.c.occurred_at).where(events.c.message_id == "late"))
    finally:
        engine.dispose()
    assert moment == datetime(2026, 10, 5, 9, tzinfo=UTC)


def test_ingest_twice_is_all_duplicates(workspace: Path, store_url: str) -> None:
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES))
    embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    again = embudo(workspace, "ingest", "-", "--db", store_url, stdin=lines(EXAMPLE_MESSAGES))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "accepted 0, duplicates 4, rejected 0"


def test_rejected_lines_exit_3_and_land_in_dead_letters(workspace: Path, store_url: str) -> None:
    bad = '{"type": "track", "messageId": "x1", "userId": "u9"}\n{not json\n'
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES[:1]) + bad)
    done = embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    assert done.returncode == 3
    assert done.stdout.strip() == "accepted 1, duplicates 0, rejected 2"
    letters = embudo(workspace, "deadletters", "--db", store_url)
    assert "in.jsonl:2" in letters.stdout
    assert "in.jsonl:3" in letters.stdout


def test_contacts_json_filters_by_stage(workspace: Path, store_url: str) -> None:
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES))
    embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    done = embudo(workspace, "contacts", "--stage", "mql", "--format", "json", "--db", store_url)
    rows = json.loads(done.stdout)
    assert [(row["email"], row["stage"], row["channel"]) for row in rows] == [
        ("ana@example.com", "mql", "paid_search")
    ]
    unknown = embudo(workspace, "contacts", "--stage", "mqll", "--db", store_url)
    assert unknown.returncode == 1
    assert "unknown stage 'mqll'" in unknown.stderr


def test_lead_recycle_then_refused_second_time(workspace: Path, store_url: str) -> None:
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES))
    embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    done = embudo(workspace, "lead", "recycle", "u1", "--reason", "timing", "--db", store_url)
    assert done.stdout.strip() == "u1: mql → nurture"
    again = embudo(workspace, "lead", "recycle", "u1", "--reason", "timing", "--db", store_url)
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "error: cannot recycle a contact in stage 'nurture' "
        "(allowed from: mql, sal, sql, opportunity)"
    )


def test_check_reports_line_and_suggestion(tmp_path: Path) -> None:
    embudo(tmp_path, "init", "--template", "b2b-saas", "--db", f"sqlite:///{tmp_path}/x.db")
    spec = tmp_path / "embudo.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("event: webinar_watched", "event: webinar_wached", 1))
    line = next(
        number
        for number, content in enumerate(spec.read_text().splitlines(), start=1)
        if "webinar_wached" in content
    )
    done = embudo(tmp_path, "check", "embudo.yaml")
    assert done.returncode == 1
    assert f"embudo.yaml:{line} " in done.stderr
    assert "unknown event 'webinar_wached' (did you mean 'webinar_watched'?)" in done.stderr


def test_apply_changed_spec_is_a_new_version(workspace: Path, store_url: str) -> None:
    spec = workspace / "embudo.yaml"
    same = embudo(workspace, "apply", "embudo.yaml", "--db", store_url)
    assert same.stdout.strip() == "embudo.yaml: workspace at version 1 (unchanged)"
    spec.write_text(spec.read_text().replace("mql_per_month: 20", "mql_per_month: 25"))
    changed = embudo(workspace, "apply", "embudo.yaml", "--db", store_url)
    assert changed.stdout.strip() == "embudo.yaml: workspace at version 2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["init", "--template", "bakery"], "unknown template 'bakery'"),
        (["check", "missing.yaml"], "missing.yaml: no such file"),
        (["ingest", "missing.jsonl"], "missing.jsonl: no such file"),
        (["contacts", "--db", "sqlite:///absent.db"], "does not exist — run: embudo db upgrade"),
        (["demo", "--contacts", "0"], "--contacts 0: simulate at least 1 contact"),
        (["demo", "--template", "bakery", "--contacts", "5"], "unknown template 'bakery'"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, args: list[str], message: str) -> None:
    if args[0] == "ingest":
        args = [*args, "--db", f"sqlite:///{tmp_path}/x.db"]
        embudo(tmp_path, "db", "upgrade", "--db", f"sqlite:///{tmp_path}/x.db")
    done = embudo(tmp_path, *args)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_malformed_yaml_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "embudo.yaml").write_text("lifecycle:\n  stages: [visitor\n")
    done = embudo(tmp_path, "check", "embudo.yaml")
    assert done.returncode == 1
    assert done.stderr.startswith("error: embudo.yaml:")
    assert "not valid YAML" in done.stderr


def test_demo_prints_stages_channels_and_deals(tmp_path: Path, store_url: str) -> None:
    done = embudo(
        tmp_path, "demo", "--contacts", "200", "--seed", "3", "--no-serve", "--db", store_url
    )
    assert done.returncode == 0, done.stderr
    assert "Contacts per lifecycle stage" in done.stdout
    assert "Contacts per channel" in done.stdout
    assert "Deals per pipeline stage" in done.stdout
    assert "new_business" in done.stdout and "EUR" in done.stdout
    assert "reps added" in done.stdout and "first-touch SLA breaches" in done.stdout
    again = embudo(
        tmp_path, "demo", "--contacts", "200", "--seed", "3", "--no-serve", "--db", store_url
    )
    assert "0 messages applied" in again.stdout
    assert "no sales move applied again" in again.stdout


def test_check_against_a_database_names_stranded_deals_and_applies_nothing(
    workspace: Path, store_url: str
) -> None:
    (workspace / "in.jsonl").write_text(lines(EXAMPLE_MESSAGES))
    embudo(workspace, "ingest", "in.jsonl", "--db", store_url)
    created = embudo(
        workspace,
        "deal",
        "create",
        "u1",
        "--pipeline",
        "new_business",
        "--amount",
        "100",
        "--db",
        store_url,
    )
    assert created.returncode == 0, created.stderr
    spec = workspace / "embudo.yaml"
    original = spec.read_text()
    without = "\n".join(line for line in original.splitlines() if "key: discovery" not in line)
    spec.write_text(without + "\n")

    refused = embudo(workspace, "check", "embudo.yaml", "--db", store_url)
    assert refused.returncode == 1
    assert "stage 'discovery' is removed but 1 deal(s) are in it" in refused.stderr

    mapped = without.replace(
        "  new_business:\n", "  new_business:\n    moved_stages: {discovery: demo}\n", 1
    )
    spec.write_text(mapped + "\n")
    tried = embudo(workspace, "check", "embudo.yaml", "--db", store_url)
    assert tried.returncode == 0, tried.stderr
    assert "would be the workspace's version 2 (nothing applied)" in tried.stdout
    shown = embudo(workspace, "deal", "list", "--format", "json", "--db", store_url)
    assert [deal["stage"] for deal in json.loads(shown.stdout)] == ["discovery"]
