"""The marketing reports as a marketer runs them: costs recorded, attribution as JSON, refusals."""

from __future__ import annotations

import json
from pathlib import Path

from command_line import embudo

CLICK = {
    "type": "page",
    "messageId": "p1",
    "userId": "ana",
    "timestamp": "2026-03-02T09:00:00Z",
    "context": {"campaign": {"name": "spring", "source": "google", "medium": "cpc"}},
}
LEAD = {
    "type": "identify",
    "messageId": "i1",
    "userId": "ana",
    "timestamp": "2026-03-03T09:00:00Z",
    "traits": {"email": "ana@example.com"},
}


def test_attribution_with_a_cost_and_the_monthly_reports(tmp_path: Path, store_url: str) -> None:
    db = ("--db", store_url)
    lines = "".join(json.dumps(message) + "\n" for message in (CLICK, LEAD))
    steps = [
        ("init", "--template", "clinic"),
        ("ingest", "-"),
        (
            "campaign",
            "cost",
            "spring",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--amount",
            "300",
        ),
        ("deal", "create", "ana", "--pipeline", "treatment", "--amount", "1200"),
        ("deal", "won", "1"),
    ]
    for step in steps:
        done = embudo(tmp_path, *step, *db, stdin=lines if step[0] == "ingest" else None)
        assert done.returncode == 0, done.stderr

    report = embudo(tmp_path, "report", "attribution", "--format", "json", *db)
    assert report.returncode == 0, report.stderr
    rows = json.loads(report.stdout)["rows"]
    linear = [row for row in rows if row["model"] == "linear"]
    assert linear == [
        {
            "model": "linear",
            "channel": "paid_search",
            "campaign": "spring",
            "attributed_deals": 1.0,
            "revenue": 1200.0,
            "cost": 300.0,
            "leads": 1,
            "mqls": 0,
            "customers": 1,
            "cost_per_lead": 300.0,
            "cost_per_mql": None,
            "cac": 300.0,
            "roi": 3.0,
        }
    ]
    for name in ("sla", "lead-velocity"):
        monthly = embudo(tmp_path, "report", name, "--by", "month", *db)
        assert monthly.returncode == 1
        assert f"report {name} cannot be grouped by month" in monthly.stderr
        table = embudo(tmp_path, "report", name, *db)
        assert table.returncode == 0, table.stderr
