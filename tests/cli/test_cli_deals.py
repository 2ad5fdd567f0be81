"""`embudo deal` and `embudo user` as people run them: real processes, exit codes, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from command_line import embudo

LEADS: list[dict[str, object]] = [
    {
        "type": "identify",
        "messageId": f"m-{name}",
        "userId": name,
        "timestamp": "2026-10-02T09:00:00Z",
        "traits": {"email": f"{name}@example.com", "province": "MI"},
    }
    for name in ("ana", "bob")
]


@pytest.fixture
def clinic(tmp_path: Path, store_url: str) -> Path:
    """The clinic template applied to a fresh database, two leads and a sales rep."""
    assert embudo(tmp_path, "init", "--template", "clinic", "--db", store_url).returncode == 0
    done = embudo(
        tmp_path,
        "ingest",
        "-",
        "--db",
        store_url,
        stdin="".join(json.dumps(lead) + "\n" for lead in LEADS),
    )
    assert done.returncode == 0, done.stderr
    rep = embudo(tmp_path, "user", "add", "Rep@Example.com", "--name", "Rep", "--db", store_url)
    assert rep.stdout.strip() == "user 1: rep@example.com (sales, member)"
    return tmp_path


def _deals(folder: Path, store_url: str, *options: str) -> list[dict[str, object]]:
    done = embudo(folder, "deal", "list", "--format", "json", *options, "--db", store_url)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


def test_a_deal_from_creation_to_won(clinic: Path, store_url: str) -> None:
    created = embudo(
        clinic,
        *("deal", "create", "ana", "--pipeline", "treatment", "--amount", "1200.50"),
        *("--owner", "rep@example.com", "--close-on", "2026-12-31", "--title", "Implants"),
        *("--db", store_url),
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "deal 1: ana in treatment at first_consultation, €1,200.50"

    forward = embudo(clinic, "deal", "move", "1", "quote", "--db", store_url)
    back = embudo(clinic, "deal", "move", "1", "diagnosis", "--reason", "x-ray", "--db", store_url)
    won = embudo(clinic, "deal", "won", "1", "--by", "maria", "--db", store_url)

    assert forward.stdout.strip() == "deal 1: first_consultation → quote"
    assert back.stdout.strip() == "deal 1: quote → diagnosis"
    assert won.stdout.splitlines() == [
        "deal 1: diagnosis → treatment_started (won)",
        "contact 1: opportunity → customer",
    ]
    shown = embudo(clinic, "deal", "show", "1", "--db", store_url)
    assert shown.returncode == 0, shown.stderr
    assert "Implants" in shown.stdout
    assert "maria" in shown.stdout
    assert "x-ray" in shown.stdout
    (row,) = _deals(clinic, store_url, "--status", "won")
    assert (row["contact"], row["amount"], row["owner"], row["purchase"]) == (
        "ana@example.com",
        "1200.50",
        "rep@example.com",
        "first",
    )


def test_a_lost_deal_recycles_its_contact(clinic: Path, store_url: str) -> None:
    embudo(
        clinic,
        "deal",
        "create",
        "bob",
        "--pipeline",
        "treatment",
        "--amount",
        "90",
        "--db",
        store_url,
    )

    lost = embudo(clinic, "deal", "lost", "1", "--reason", "price", "--recycle", "--db", store_url)

    assert lost.returncode == 0, lost.stderr
    assert lost.stdout.splitlines() == [
        "deal 1: first_consultation → treatment_not_started (lost)",
        "contact 2: opportunity → nurture",
    ]
    assert _deals(clinic, store_url, "--status", "open") == []


BAD_INPUT = [
    (
        ["deal", "create", "ana", "--pipeline", "treatment", "--amount", "twelve"],
        "error: contact ana: amount 'twelve' is not a number — write it like 1200.50",
    ),
    (
        ["deal", "create", "ana", "--pipeline", "treatment", "--amount", "-5"],
        "error: contact ana: amount -5 is negative — a deal is worth 0 or more",
    ),
    (
        ["deal", "create", "ana", "--pipeline", "treatment", "--amount", "5", "--currency", "EURO"],
        "error: contact ana: unknown currency 'EURO' — give a 3-letter ISO 4217 code "
        "such as EUR, USD or GBP",
    ),
    (
        ["deal", "create", "ana", "--pipeline", "treatment", "--amount", "5", "--close-on", "soon"],
        "error: contact ana: --close-on 'soon' is not a date — write it like 2026-12-31",
    ),
    (
        ["deal", "create", "ana", "--pipeline", "treatment", "--amount", "1", "--owner", "x@y.z"],
        "error: no active user 'x@y.z' — add one with: embudo user add x@y.z --name NAME",
    ),
    (
        ["deal", "move", "1", "enrolled"],
        "error: deal 1: stage 'enrolled' is not in pipeline 'treatment' (stages: "
        "first_consultation, diagnosis, quote, treatment_started, treatment_not_started)",
    ),
    (
        ["deal", "lost", "1", "--reason", "bored"],
        "error: deal 1: unknown loss reason 'bored' (reasons: price, timing, competitor, "
        "no_response, financing_denied, out_of_area)",
    ),
    (
        ["deal", "won", "2"],
        "error: deal 2 is already closed (won in stage 'treatment_started') — a won deal is final",
    ),
    (["deal", "show", "9"], "error: no deal 9 — list them with: embudo deal list"),
    (
        ["user", "add", "rep@example.com"],
        "error: user 'rep@example.com' already exists in this workspace",
    ),
    (
        ["apply", "embudo.yaml"],
        "error: pipelines.treatment.stages: stage 'first_consultation' is removed but 1 deal(s) "
        "are in it (deals 1) — keep the stage, or move those deals to another stage first",
    ),
]


def test_bad_input_is_one_line_exit_1_and_changes_nothing(clinic: Path, store_url: str) -> None:
    """One story per backend: each refused command leaves the deals as they were."""
    for contact in ("ana", "bob"):
        create = ("deal", "create", contact, "--pipeline", "treatment", "--amount", "10")
        assert embudo(clinic, *create, "--db", store_url).returncode == 0
    embudo(clinic, "deal", "won", "2", "--db", store_url)
    spec = clinic / "embudo.yaml"
    kept = [line for line in spec.read_text().splitlines() if "key: first_consultation" not in line]
    spec.write_text("\n".join(kept))
    before = _deals(clinic, store_url)

    for args, message in BAD_INPUT:
        done = embudo(clinic, *args, "--db", store_url)
        assert (done.returncode, done.stderr.strip()) == (1, message)

    assert _deals(clinic, store_url) == before
    users = embudo(clinic, "user", "list", "--format", "json", "--db", store_url)
    assert [row["email"] for row in json.loads(users.stdout)] == ["rep@example.com"]
