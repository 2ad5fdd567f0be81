"""Maven's CRM sales opportunities: deals with agent, product, account, stage, dates, value.

`sales_pipeline.csv` holds one row per opportunity; `accounts.csv`,
`products.csv` and `sales_teams.csv` describe the companies, the price list
and the agents. Each account is one contact (its buyer) in the account's
company (a Segment `group`); an opportunity without an account gets a contact
of its own. Each opportunity is a deal owned by its agent, titled with its
product, opened at its engage date in `engaging` (or in `prospecting`), and
won or lost at its close date. Every step is applied in time order across
all deals, so a contact becomes a customer at its first win, whatever the
order of the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from embudo.io.presets.cells import amount, moment
from embudo.io.presets.csv_source import CsvFile, Row, locate, read_rows
from embudo.io.presets.maven_catalog import Catalog, read_catalog
from embudo.io.presets.plan import CloseDeal, ImportPlan, OpenDeal
from embudo.io.presets.segment import group, identify
from embudo.io.spec_file import LoadedSpec

NAME = "maven"
PIPELINE = "sales"
LOSS_REASON = "not_recorded"
PIPELINE_FILE = CsvFile(
    "sales_pipeline.csv",
    ("opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
     "close_date", "close_value"),
    ("opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
     "close_date", "close_value"),
)  # fmt: skip
STAGES = {"Prospecting": "prospecting", "Engaging": "engaging", "Won": "won", "Lost": "lost"}

NO_ACCOUNT = "deal without an account (a contact of its own, no company)"
PROSPECTING_UNDATED = "Prospecting deal without engage date (opened at the file's last date)"
LOST_AT_ZERO = "lost deal with close value 0 (amount: the product's list price)"
NO_ID = "row without opportunity_id (row skipped)"
REPEATED = "opportunity_id seen before in the file (row skipped)"
UNKNOWN_STAGE = "deal_stage not Prospecting, Engaging, Won or Lost (row skipped)"
UNDATED = "open or closed deal without engage date (opened at its close or the file's last date)"
UNCLOSED = "Won or Lost deal without close date (closed at the file's last date)"
CLOSED_BEFORE = "close date before engage date (closed at the engage date)"
BAD_VALUE = "won deal with an unreadable close value (amount 0)"


@dataclass(frozen=True, slots=True)
class _Deal:
    """One readable row of the pipeline file, dates resolved."""

    row: Row
    key: str
    contact: str
    stage: str
    opened: datetime
    closed: datetime | None


def plan_maven(paths: Sequence[Path], spec: LoadedSpec) -> ImportPlan:
    """Read the four files into messages, agents and deal steps; quirks noted, never fatal."""
    found = locate(NAME, (PIPELINE_FILE, *Catalog.FILES), paths)
    plan = ImportPlan(NAME, spec, PIPELINE)
    catalog = read_catalog(NAME, found, plan.quirks)
    rows = read_rows(NAME, PIPELINE_FILE, found[PIPELINE_FILE.name], plan.quirks)
    last = _last_date(rows)
    deals = [deal for row in _unique(plan, rows) if (deal := _read(plan, row, last))]
    _contacts(plan, catalog, deals)
    for deal in deals:
        _steps(plan, catalog, deal)
    plan.users.extend(catalog.agents.values())
    return plan


def _last_date(rows: list[Row]) -> datetime:
    """The latest date in the file: the export's as-of date, for deals it gives none."""
    dates = [moment(row[c]) for row in rows for c in ("engage_date", "close_date")]
    known = [date for date in dates if date is not None]
    return max(known) if known else datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def _unique(plan: ImportPlan, rows: list[Row]) -> list[Row]:
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = row["opportunity_id"]
        if not key:
            plan.quirks.add(NO_ID, row.where, "the opportunity_id cell is empty")
        elif key in seen:
            plan.quirks.add(REPEATED, row.where, f"opportunity {key}")
        elif row["deal_stage"] not in STAGES:
            plan.quirks.add(UNKNOWN_STAGE, row.where, f"deal_stage {row['deal_stage']!r}")
        else:
            seen.add(key)
            kept.append(row)
    return kept


def _read(plan: ImportPlan, row: Row, last: datetime) -> _Deal:
    stage = STAGES[row["deal_stage"]]
    key = row["opportunity_id"]
    closed = moment(row["close_date"]) if stage in ("won", "lost") else None
    if stage in ("won", "lost") and closed is None:
        plan.quirks.add(UNCLOSED, row.where, f"opportunity {key}: close_date {row['close_date']!r}")
        closed = last
    opened = _opened(plan, row, stage, closed or last)
    if closed is not None and closed < opened:
        plan.quirks.add(CLOSED_BEFORE, row.where, f"opportunity {key}: {row['close_date']}")
        closed = opened
    account = row["account"]
    if not account:
        plan.quirks.add(NO_ACCOUNT, row.where, f"opportunity {key} ({row['deal_stage']})")
    contact = f"maven:account:{account}" if account else f"maven:opportunity:{key}"
    return _Deal(row, f"maven:{key}", contact, stage, opened, closed)


def _opened(plan: ImportPlan, row: Row, stage: str, fallback: datetime) -> datetime:
    """The engage date; else, for a deal that has none, the fallback, noted as a quirk."""
    engaged = moment(row["engage_date"])
    if engaged is not None:
        return engaged
    detail = f"opportunity {row['opportunity_id']}: engage_date {row['engage_date']!r}"
    kind = PROSPECTING_UNDATED if stage == "prospecting" else UNDATED
    plan.quirks.add(kind, row.where, detail)
    return fallback


def _contacts(plan: ImportPlan, catalog: Catalog, deals: list[_Deal]) -> None:
    """One identify per contact at its first deal; accounts also join their company."""
    first: dict[str, _Deal] = {}
    for deal in sorted(deals, key=lambda deal: deal.opened):
        first.setdefault(deal.contact, deal)
    for contact, deal in first.items():
        account = deal.row["account"]
        name = account or f"opportunity {deal.row['opportunity_id']}"
        where = deal.row.where
        plan.messages.append((where, identify(contact, contact, deal.opened, {"name": name})))
        if account:
            traits = catalog.account(account, where)
            message = group(f"{contact}:group", contact, deal.opened, account, traits)
            plan.messages.append((where, message))


def _steps(plan: ImportPlan, catalog: Catalog, deal: _Deal) -> None:
    row = deal.row
    product = catalog.product(row["product"], row.where)
    value = _value(plan, catalog, deal, product)
    stage = "prospecting" if deal.stage == "prospecting" else "engaging"
    owner = catalog.agent(row["sales_agent"], row.where)
    plan.steps.append(
        OpenDeal(deal.key, row.where, deal.opened, deal.contact, value, stage, owner, product)
    )
    if deal.closed is not None:
        won = deal.stage == "won"
        plan.steps.append(CloseDeal(deal.key, row.where, deal.closed, won, LOSS_REASON))


def _value(plan: ImportPlan, catalog: Catalog, deal: _Deal, product: str) -> Decimal:
    """Won: the close value. Lost at 0 and open: the product's list price (what was at stake)."""
    row = deal.row
    if deal.stage == "won":
        value = amount(row["close_value"])
        if value is None:
            plan.quirks.add(BAD_VALUE, row.where, f"close_value {row['close_value']!r}")
        return value or Decimal(0)
    value = amount(row["close_value"])
    if deal.stage == "lost" and value is not None and value > 0:
        return value
    if deal.stage == "lost":
        plan.quirks.add(LOST_AT_ZERO, row.where, f"opportunity {row['opportunity_id']} ({product})")
    return catalog.price(product)
