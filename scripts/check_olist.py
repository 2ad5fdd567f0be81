"""Check `embudo import --preset olist` against figures computed straight from the CSVs.

Run: .venv/bin/python scripts/check_olist.py [FOLDER]
(FOLDER defaults to ../shared/data/olist-marketing-funnel.)
Figures: MQLs, MQLs per channel (empty origin counted as `unknown`), won deals
with their count and value (declared monthly revenue, BRL), per owner (the SR)
and per channel, average days from first contact to won (a deal won before
its first contact counts 0, as the import opens it at its won date).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from check_common import (
    DATA,
    Check,
    Figures,
    compare,
    health,
    health_checks,
    imported,
    mean,
    print_groups,
    query,
    rows_of,
)

FOLDER = DATA / "olist-marketing-funnel"
WORKSPACE = "default"


def from_csv(folder: Path) -> Figures:
    """The figures, with nothing but the csv module."""
    with (folder / "olist_marketing_qualified_leads_dataset.csv").open(newline="") as stream:
        mqls = list(csv.DictReader(stream))
    with (folder / "olist_closed_deals_dataset.csv").open(newline="") as stream:
        deals = list(csv.DictReader(stream))
    channel = {row["mql_id"]: row["origin"] or "unknown" for row in mqls}
    contact = {row["mql_id"]: datetime.fromisoformat(row["first_contact_date"]) for row in mqls}
    value = Decimal(sum(Decimal(row["declared_monthly_revenue"]) for row in deals))
    by_owner: dict[str, list[Decimal]] = defaultdict(list)
    for row in deals:
        by_owner[f"{row['sr_id']}@olist.invalid"].append(Decimal(row["declared_monthly_revenue"]))
    days = [
        max(
            0.0,
            (datetime.fromisoformat(row["won_date"]) - contact[row["mql_id"]]).total_seconds()
            / 86400,
        )
        for row in deals
    ]
    return {
        "mqls": len(mqls),
        "per_channel": dict(Counter(channel.values())),
        "won": len(deals),
        "won_value": float(value),
        "won_per_owner": {owner: len(values) for owner, values in by_owner.items()},
        "value_per_owner": {owner: float(sum(values)) for owner, values in by_owner.items()},
        "won_per_channel": dict(Counter(channel[row["mql_id"]] for row in deals)),
        "avg_days_to_close": mean(days),
        "health": {
            "open_deals": 0,
            "won_deals": len(deals),
            "lost_deals": 0,
            "win_rate": 1.0,
            "win_rate_value": 1.0,
            "avg_deal_size": float(value) / len(deals),
            "avg_days_to_close": mean(days),
            "velocity_per_day": 0.0,
        },
    }


def from_embudo(url: str, path: Path) -> Figures:
    """The same figures from what embudo stores: its list commands, and SQL on the history."""
    contacts = rows_of("contacts", "--limit", "1000000", "--db", url, "-w", WORKSPACE)
    deals = rows_of("deal", "list", "--limit", "1000000", "--db", url, "-w", WORKSPACE)
    won = [deal for deal in deals if deal["status"] == "won"]
    by_owner: dict[str, list[float]] = defaultdict(list)
    for deal in won:
        by_owner[deal["owner"]].append(float(deal["amount"]))
    days = [row[0] for row in query(path, DAYS_TO_CLOSE)]
    return {
        "mqls": sum(1 for row in contacts if row["stage"] in ("mql", "opportunity", "customer")),
        "per_channel": dict(Counter(row["channel"] for row in contacts)),
        "won": len(won),
        "won_value": sum(float(deal["amount"]) for deal in won),
        "won_per_owner": {owner: len(values) for owner, values in by_owner.items()},
        "value_per_owner": {owner: sum(values) for owner, values in by_owner.items()},
        "won_per_channel": dict(Counter(deal["channel"] for deal in won)),
        "avg_days_to_close": mean(days),
        "health": health(url, WORKSPACE) or {},
    }


DAYS_TO_CLOSE = """
    SELECT (julianday(MAX(h.occurred_at)) - julianday(MIN(h.occurred_at)))
    FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id
    WHERE d.status = 'won' GROUP BY d.id
"""

CHECKS = [
    Check("MQLs", lambda s: s["mqls"], lambda e: e["mqls"]),
    Check("MQLs per channel", lambda s: s["per_channel"], lambda e: e["per_channel"]),
    Check("won deals", lambda s: s["won"], lambda e: e["won"]),
    Check(
        "won value (BRL, declared monthly revenue)",
        lambda s: s["won_value"],
        lambda e: e["won_value"],
    ),
    Check("won deals per owner (SR)", lambda s: s["won_per_owner"], lambda e: e["won_per_owner"]),
    Check(
        "won value per owner (SR)", lambda s: s["value_per_owner"], lambda e: e["value_per_owner"]
    ),
    Check("won deals per channel", lambda s: s["won_per_channel"], lambda e: e["won_per_channel"]),
    Check(
        "avg days first contact → won",
        lambda s: s["avg_days_to_close"],
        lambda e: e["avg_days_to_close"],
    ),
]


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    if not folder.is_dir():
        sys.exit(f"{folder}: no such folder — give the dataset's folder as the argument")
    source = from_csv(folder)
    with imported("olist", folder) as (url, path, seconds):
        stored = from_embudo(url, path)
    print(f"\nimport took {seconds:.1f} s")
    print_groups("MQLs per channel (source)", source["per_channel"])
    print_groups("won value per owner (source)", source["value_per_owner"])
    checks = CHECKS + (health_checks(source["health"]) if stored["health"] else [])
    return 0 if compare(checks, source, stored) else 1


if __name__ == "__main__":
    sys.exit(main())
