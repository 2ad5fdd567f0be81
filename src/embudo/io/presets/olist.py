"""The Olist marketing funnel: MQLs from their origin channel, closed deals with SDR and SR.

`olist_marketing_qualified_leads_dataset.csv` gives each MQL its first
contact date, landing page and origin; `olist_closed_deals_dataset.csv` the
leads that became sellers, with the SDR who worked the lead, the SR who
closed it and the won date. Each MQL becomes a contact qualified as an MQL at
its first contact (a `marketing_qualified` event, the origin as its UTM
medium, hence its channel); each closed deal a deal opened at that first
contact, owned by the SR, won at the won date, with the SDR as the contact's
owner; its seller profile (segment, lead type, behaviour profile) becomes
the contact's traits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from embudo.io.presets.cells import amount, moment, values
from embudo.io.presets.csv_source import CsvFile, Row, locate, read_rows
from embudo.io.presets.plan import CloseDeal, ImportPlan, NewUser, OpenDeal
from embudo.io.presets.segment import identify, track
from embudo.io.spec_file import LoadedSpec

NAME = "olist"
PIPELINE = "seller_onboarding"
EVENT = "marketing_qualified"
UNKNOWN = "unknown"
MQLS = CsvFile(
    "olist_marketing_qualified_leads_dataset.csv",
    ("mql_id", "first_contact_date", "landing_page_id", "origin"),
    ("mql_id", "first_contact_date", "origin"),
)
DEALS = CsvFile(
    "olist_closed_deals_dataset.csv",
    (
        "mql_id", "seller_id", "sdr_id", "sr_id", "won_date", "business_segment", "lead_type",
        "lead_behaviour_profile", "has_company", "has_gtin", "average_stock", "business_type",
        "declared_product_catalog_size", "declared_monthly_revenue",
    ),
    ("mql_id", "sdr_id", "sr_id", "won_date", "declared_monthly_revenue"),
)  # fmt: skip
FILES = (MQLS, DEALS)
PROFILE = ("business_segment", "lead_type", "business_type", "seller_id")
"""Closed-deal columns kept as the contact's traits (besides the behaviour profile)."""

EMPTY_ORIGIN = "MQL without origin (channel 'unknown')"
WON_BEFORE_CONTACT = "deal won before its first contact (opened and won at the won date)"
SEVERAL_PROFILES = "several behaviour profiles in one cell (kept as a list)"
NO_ID = "row without mql_id (row skipped)"
REPEATED = "mql_id seen before in the file (row skipped)"
BAD_DATE = "unreadable or missing date (row skipped)"
NO_MQL = "closed deal of an MQL not in the MQL file (row skipped)"
BAD_REVENUE = "unreadable declared_monthly_revenue (amount 0)"
NO_REP = "closed deal without SDR or SR (no owner)"


def plan_olist(paths: Sequence[Path], spec: LoadedSpec) -> ImportPlan:
    """Read the two files into messages, reps and deal steps; quirks noted, never fatal."""
    found = locate(NAME, FILES, paths)
    plan = ImportPlan(NAME, spec, PIPELINE)
    contacts = _mqls(plan, read_rows(NAME, MQLS, found[MQLS.name], plan.quirks))
    _deals(plan, contacts, read_rows(NAME, DEALS, found[DEALS.name], plan.quirks))
    return plan


def _mqls(plan: ImportPlan, rows: list[Row]) -> dict[str, datetime]:
    """One contact per MQL, qualified at its first contact; returns their first contact times."""
    first_contact: dict[str, datetime] = {}
    for row in rows:
        mql_id = _unique_id(plan, row, first_contact)
        at = moment(row["first_contact_date"]) if mql_id else None
        if mql_id is None:
            continue
        if at is None:
            plan.quirks.add(
                BAD_DATE, row.where, f"first_contact_date {row['first_contact_date']!r}"
            )
            continue
        first_contact[mql_id] = at
        plan.messages.extend(_mql_messages(plan, row, mql_id, at))
    return first_contact


def _unique_id(plan: ImportPlan, row: Row, seen: dict[str, datetime]) -> str | None:
    mql_id = row["mql_id"]
    if not mql_id:
        plan.quirks.add(NO_ID, row.where, "the mql_id cell is empty")
        return None
    if mql_id in seen:
        plan.quirks.add(REPEATED, row.where, f"MQL {mql_id}")
        return None
    return mql_id


def _mql_messages(
    plan: ImportPlan, row: Row, mql_id: str, at: datetime
) -> list[tuple[str, dict[str, Any]]]:
    origin = row["origin"]
    if not origin:
        plan.quirks.add(EMPTY_ORIGIN, row.where, f"MQL {mql_id} has no origin")
        origin = UNKNOWN
    campaign = {"source": NAME, "medium": origin}
    traits = {"landing_page_id": row["landing_page_id"], "origin": origin}
    return [
        (row.where, identify(f"olist:mql:{mql_id}", mql_id, at, traits, campaign)),
        (row.where, track(f"olist:mql:{mql_id}:qualified", mql_id, at, EVENT, traits, campaign)),
    ]


def _deals(plan: ImportPlan, first_contact: dict[str, datetime], rows: list[Row]) -> None:
    seen: dict[str, datetime] = {}
    for row in rows:
        mql_id = _unique_id(plan, row, seen)
        if mql_id is None:
            continue
        won = moment(row["won_date"])
        if won is None:
            plan.quirks.add(BAD_DATE, row.where, f"won_date {row['won_date']!r}")
            continue
        seen[mql_id] = won
        if mql_id not in first_contact:
            plan.quirks.add(NO_MQL, row.where, f"MQL {mql_id}")
            continue
        _deal(plan, row, mql_id, (first_contact[mql_id], won))


def _deal(plan: ImportPlan, row: Row, mql_id: str, dates: tuple[datetime, datetime]) -> None:
    """The deal's steps, its reps and the seller profile of its contact."""
    contacted, won = dates
    opened = contacted
    if won < contacted:
        detail = f"won {won:%Y-%m-%d %H:%M}, first contact {contacted:%Y-%m-%d}"
        plan.quirks.add(WON_BEFORE_CONTACT, row.where, detail)
        opened = won
    sdr, sr = _reps(plan, row)
    key = f"olist:{mql_id}"
    amount = _revenue(plan, row)
    title = row["business_segment"]
    deal = OpenDeal(key, row.where, opened, mql_id, amount, owner=sr, title=title, assign_to=sdr)
    plan.steps += [deal, CloseDeal(key, row.where, won, won=True)]
    profile = {column: row[column] for column in PROFILE if row[column]}
    profile |= _behaviour(plan, row)
    known = max(won, contacted)  # never before the first touch, which gives the channel
    plan.messages.append((row.where, identify(f"olist:deal:{mql_id}", mql_id, known, profile)))


def _reps(plan: ImportPlan, row: Row) -> tuple[str | None, str | None]:
    """The SDR's and the SR's emails, each added as a user (one user per id)."""
    emails: list[str | None] = []
    for column in ("sdr_id", "sr_id"):
        rep = row[column]
        if not rep:
            plan.quirks.add(NO_REP, row.where, f"{column} is empty")
            emails.append(None)
            continue
        email = f"{rep}@olist.invalid"
        plan.users.append(NewUser(email, f"Olist rep {rep[:8]}"))
        emails.append(email)
    return emails[0], emails[1]


def _revenue(plan: ImportPlan, row: Row) -> Decimal:
    value = amount(row["declared_monthly_revenue"])
    if value is None:
        plan.quirks.add(BAD_REVENUE, row.where, repr(row["declared_monthly_revenue"]))
        return Decimal(0)
    return value


def _behaviour(plan: ImportPlan, row: Row) -> dict[str, Any]:
    """`lead_behaviour_profile` as a trait: one value as text, several as a list."""
    found = values(row["lead_behaviour_profile"])
    if len(found) > 1:
        plan.quirks.add(SEVERAL_PROFILES, row.where, row["lead_behaviour_profile"])
        return {"lead_behaviour_profile": found}
    return {"lead_behaviour_profile": found[0]} if found else {}
