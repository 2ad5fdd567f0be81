"""The sales reports through `embudo report`: JSON columns people rely on, and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from command_line import embudo

LEADS = [
    {
        "type": "identify",
        "messageId": f"m-{name}",
        "userId": name,
        "timestamp": "2026-10-02T09:00:00Z",
        "traits": {"email": f"{name}@example.com"},
    }
    for name in ("ana", "bob")
]


@pytest.fixture
def initialised(tmp_path: Path, store_url: str) -> Path:
    """The clinic template, nothing else."""
    assert embudo(tmp_path, "init", "--template", "clinic", "--db", store_url).returncode == 0
    return tmp_path


@pytest.fixture
def clinic(initialised: Path, store_url: str) -> Path:
    """Two leads; ana's deal of 1,000 won, bob's of 2,000 open, closing in January 2027."""
    tmp_path = initialised
    lines = "".join(json.dumps(lead) + "\n" for lead in LEADS)
    assert embudo(tmp_path, "ingest", "-", "--db", store_url, stdin=lines).returncode == 0
    steps = [
        ("deal", "create", "ana", "--pipeline", "treatment", "--amount", "1000"),
        ("deal", "won", "1"),
        ("deal", "create", "bob", "--pipeline", "treatment", "--amount", "2000"),
    ]
    for step in [*steps[:2], (*steps[2], "--close-on", "2027-01-15")]:
        done = embudo(tmp_path, *step, "--db", store_url)
        assert done.returncode == 0, done.stderr
    return tmp_path


def _rows(folder: Path, store_url: str, name: str) -> list[dict[str, Any]]:
    done = embudo(folder, "report", name, "--format", "json", "--db", store_url)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    assert document["report"] == name
    rows: list[dict[str, Any]] = document["rows"]
    return rows


def test_forecast_and_winloss(clinic: Path, store_url: str) -> None:
    assert _rows(clinic, store_url, "forecast") == [
        {
            "pipeline": "treatment",
            "close_month": "2027-01",
            "open_deals": 1,
            "amount": 2000,
            "weighted_amount": 400,
        }
    ]
    [won] = _rows(clinic, store_url, "winloss")
    assert (won["closed_from"], won["outcome"], won["deals"], won["share"]) == (
        "first_consultation",
        "won",
        1,
        1,
    )


def test_time_in_stage_and_stalled_columns(clinic: Path, store_url: str) -> None:
    stages = [(row["scope"], row["stage"]) for row in _rows(clinic, store_url, "time-in-stage")]
    assert ("pipeline", "first_consultation") in stages
    [waiting] = _rows(clinic, store_url, "stalled")
    assert list(waiting) == [
        "pipeline",
        "stage",
        "deal_id",
        "owner",
        "rotting_days",
        "open_deals",
        "stalled_deals",
        "stalled_value",
        "days_in_stage",
        "max_days_in_stage",
    ]
    assert (waiting["stage"], waiting["open_deals"], waiting["stalled_deals"]) == (
        "first_consultation",
        1,
        0,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("stalled", "--by", "owner"),
            "error: report stalled cannot be grouped by owner — it takes: campaign, channel, "
            "month, property",
        ),
        (("forecast", "--by", "pipeline"), "error: report forecast cannot be grouped by pipeline"),
        (("time-in-stage", "--by", "pipeline"), "error: report time-in-stage cannot be grouped"),
        (("winloss", "--mode", "period"), "error: report winloss has no --mode period"),
    ],
)
def test_what_a_report_does_not_take_is_one_error_line(
    initialised: Path, store_url: str, args: tuple[str, ...], message: str
) -> None:
    done = embudo(initialised, "report", *args, "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
