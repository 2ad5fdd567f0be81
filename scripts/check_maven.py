"""Check `embudo import --preset maven` against figures computed straight from the CSVs.

Run: .venv/bin/python scripts/check_maven.py [FOLDER]
(FOLDER defaults to ../shared/data/maven-crm-sales-opportunities.)
Figures: open deals, won and lost counts, win rate (won ÷ (won + lost)),
win rate by value, average deal size (won), average days to close (won,
engage → close), value per stage and per agent. A deal's value is its close
value when won, else its product's list price (`products.csv`, `GTXPro` read
as `GTX Pro`), as the import records it; the win rate by value with lost
deals at their raw close value 0 is printed too, to show why.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

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

FOLDER = DATA / "maven-crm-sales-opportunities"
WORKSPACE = "default"
STAGES = {"Prospecting": "prospecting", "Engaging": "engaging", "Won": "won", "Lost": "lost"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def from_csv(folder: Path) -> Figures:
    """The figures, with nothing but the csv module."""
    deals = _read(folder / "sales_pipeline.csv")
    prices = {
        row["product"].replace(" ", ""): float(row["sales_price"])
        for row in _read(folder / "products.csv")
    }
    value = {row["opportunity_id"]: _value(row, prices) for row in deals}
    stage = {row["opportunity_id"]: STAGES[row["deal_stage"]] for row in deals}
    won = [row for row in deals if row["deal_stage"] == "Won"]
    lost_value = sum(value[key] for key, kind in stage.items() if kind == "lost")
    won_value = sum(value[row["opportunity_id"]] for row in won)
    days = [
        (date.fromisoformat(row["close_date"]) - date.fromisoformat(row["engage_date"])).days
        for row in won
    ]
    counts = Counter(stage.values())
    raw_lost = sum(float(row["close_value"] or 0) for row in deals if row["deal_stage"] == "Lost")
    figures: Figures = {
        "open": counts["prospecting"] + counts["engaging"],
        "won": counts["won"],
        "lost": counts["lost"],
        "win_rate": counts["won"] / (counts["won"] + counts["lost"]),
        "win_rate_value": won_value / (won_value + lost_value),
        "win_rate_value_raw": won_value / (won_value + raw_lost),
        "avg_deal_size": won_value / len(won),
        "avg_days_to_close": mean([float(d) for d in days]),
        "value_per_stage": _sum_by(stage.items(), value),
        "won_per_agent": dict(Counter(_email(row["sales_agent"]) for row in won)),
        "won_value_per_agent": _sum_by(
            ((row["opportunity_id"], _email(row["sales_agent"])) for row in won), value
        ),
    }
    return figures | {"health": _health(figures)}


def _health(figures: Figures) -> Figures:
    """What `embudo report health` should say: issue 4's columns, from the source's figures."""
    velocity = (
        figures["open"] * figures["win_rate"] * figures["avg_deal_size"]
        / figures["avg_days_to_close"]
    )  # fmt: skip
    return {
        "open_deals": figures["open"],
        "won_deals": figures["won"],
        "lost_deals": figures["lost"],
        "win_rate": figures["win_rate"],
        "win_rate_value": figures["win_rate_value"],
        "avg_deal_size": figures["avg_deal_size"],
        "avg_days_to_close": figures["avg_days_to_close"],
        "velocity_per_day": velocity,
    }


def _value(row: dict[str, str], prices: dict[str, float]) -> float:
    """Won: the close value; lost at 0 and open: the product's list price."""
    close = float(row["close_value"]) if row["close_value"] else 0.0
    if row["deal_stage"] == "Won" or close > 0:
        return close
    return prices[row["product"].replace(" ", "")]


def _email(agent: str) -> str:
    return agent.lower().replace(" ", ".").replace("-", ".") + "@maven.invalid"


def _sum_by(pairs: Any, value: dict[str, float]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for key, group in pairs:
        totals[group] += value[key]
    return dict(totals)


def from_embudo(url: str, path: Path) -> Figures:
    """The same figures from what embudo stores: `deal list`, and SQL on the deal history."""
    deals = rows_of("deal", "list", "--limit", "1000000", "--db", url, "-w", WORKSPACE)
    won = [deal for deal in deals if deal["status"] == "won"]
    counts = Counter(deal["status"] for deal in deals)
    won_value = sum(float(deal["amount"]) for deal in won)
    lost_value = sum(float(deal["amount"]) for deal in deals if deal["status"] == "lost")
    per_stage: dict[str, float] = defaultdict(float)
    for deal in deals:
        per_stage[deal["stage"]] += float(deal["amount"])
    per_agent: dict[str, float] = defaultdict(float)
    for deal in won:
        per_agent[deal["owner"]] += float(deal["amount"])
    days = [float(row[0]) for row in query(path, DAYS_TO_CLOSE)]
    return {
        "open": counts["open"],
        "won": counts["won"],
        "lost": counts["lost"],
        "win_rate": counts["won"] / (counts["won"] + counts["lost"]),
        "win_rate_value": won_value / (won_value + lost_value),
        "avg_deal_size": won_value / len(won),
        "avg_days_to_close": mean(days),
        "value_per_stage": dict(per_stage),
        "won_per_agent": dict(Counter(deal["owner"] for deal in won)),
        "won_value_per_agent": dict(per_agent),
        "health": health(url, WORKSPACE) or {},
    }


DAYS_TO_CLOSE = """
    SELECT julianday(MAX(h.occurred_at)) - julianday(MIN(h.occurred_at))
    FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id
    WHERE d.status = 'won' GROUP BY d.id
"""

CHECKS = [
    Check("open deals", lambda s: s["open"], lambda e: e["open"]),
    Check("won deals", lambda s: s["won"], lambda e: e["won"]),
    Check("lost deals", lambda s: s["lost"], lambda e: e["lost"]),
    Check("win rate (count)", lambda s: s["win_rate"], lambda e: e["win_rate"]),
    Check(
        "win rate (value, lost at list price)",
        lambda s: s["win_rate_value"],
        lambda e: e["win_rate_value"],
    ),
    Check(
        "average deal size (won, USD)", lambda s: s["avg_deal_size"], lambda e: e["avg_deal_size"]
    ),
    Check(
        "average days to close (won)",
        lambda s: s["avg_days_to_close"],
        lambda e: e["avg_days_to_close"],
    ),
    Check("value per stage", lambda s: s["value_per_stage"], lambda e: e["value_per_stage"]),
    Check("won deals per agent", lambda s: s["won_per_agent"], lambda e: e["won_per_agent"]),
    Check(
        "won value per agent",
        lambda s: s["won_value_per_agent"],
        lambda e: e["won_value_per_agent"],
    ),
]


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    if not folder.is_dir():
        sys.exit(f"{folder}: no such folder — give the dataset's folder as the argument")
    source = from_csv(folder)
    with imported("maven", folder) as (url, path, seconds):
        stored = from_embudo(url, path)
    print(f"\nimport took {seconds:.1f} s")
    print_groups("value per stage (source, USD)", source["value_per_stage"])
    print_groups("won value per agent (source, USD)", source["won_value_per_agent"])
    raw = source["win_rate_value_raw"]
    print(f"\nwin rate by value with lost deals at their raw close value 0: {raw:.4f}")
    checks = CHECKS + (health_checks(source["health"]) if stored["health"] else [])
    return 0 if compare(checks, source, stored) else 1


if __name__ == "__main__":
    sys.exit(main())
