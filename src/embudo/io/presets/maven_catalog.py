"""Maven's reference files: accounts (companies), products (price list) and sales teams (agents).

The pipeline file names accounts, products and agents by name; this is where
those names are looked up. A name the reference file lacks is a quirk, never
an error: the deal is still imported, with what is known. A product spelled
differently (`GTXPro` for `GTX Pro`) is matched ignoring spaces and case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from embudo.io.presets.cells import amount
from embudo.io.presets.csv_source import CsvFile, Row, read_rows
from embudo.io.presets.plan import NewUser
from embudo.io.presets.quirks import QuirkLog

ACCOUNTS = CsvFile(
    "accounts.csv",
    ("account", "sector", "year_established", "revenue", "employees", "office_location",
     "subsidiary_of"),
    ("account",),
)  # fmt: skip
PRODUCTS = CsvFile("products.csv", ("product", "series", "sales_price"), ("product", "sales_price"))
TEAMS = CsvFile("sales_teams.csv", ("sales_agent", "manager", "regional_office"), ("sales_agent",))
NUMBERS = {"year_established": int, "employees": int, "revenue": float}
"""Account columns that are numbers, so fit rules can compare them (`employees gte 50`)."""

RESPELLED = "product spelled differently from products.csv (normalised)"
UNKNOWN_PRODUCT = "product not in products.csv (list price 0)"
UNKNOWN_ACCOUNT = "account not in accounts.csv (company without traits)"
UNKNOWN_AGENT = "agent not in sales_teams.csv (added to team 'sales')"
NO_AGENT = "deal without sales_agent (no owner)"
BAD_PRICE = "product with an unreadable sales_price (list price 0)"


@dataclass(slots=True)
class Catalog:
    """The reference files, read; lookups note quirks in `quirks`."""

    FILES: ClassVar[tuple[CsvFile, ...]] = (ACCOUNTS, PRODUCTS, TEAMS)

    quirks: QuirkLog
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    prices: dict[str, Decimal] = field(default_factory=dict)
    agents: dict[str, NewUser] = field(default_factory=dict)

    def account(self, name: str, where: str) -> dict[str, Any]:
        """The company traits of an account: its row of accounts.csv, and its name."""
        if name not in self.accounts:
            self.quirks.add(UNKNOWN_ACCOUNT, where, f"account {name!r}")
            self.accounts[name] = {"name": name}
        return self.accounts[name]

    def product(self, name: str, where: str) -> str:
        """The price list's spelling of a product name."""
        if name in self.prices:
            return name
        respelled = {_compact(known): known for known in self.prices}.get(_compact(name))
        if respelled is None:
            self.quirks.add(UNKNOWN_PRODUCT, where, f"product {name!r}")
            self.prices[name] = Decimal(0)
            return name
        self.quirks.add(RESPELLED, where, f"{name!r} read as {respelled!r}")
        return respelled

    def price(self, product: str) -> Decimal:
        """The list price of a product as `product` spells it (0 for one not in the list)."""
        return self.prices.get(product, Decimal(0))

    def agent(self, name: str, where: str) -> str | None:
        """The agent's email; an agent missing from the teams file is added to team sales."""
        if not name:
            self.quirks.add(NO_AGENT, where, "the sales_agent cell is empty")
            return None
        if name not in self.agents:
            self.quirks.add(UNKNOWN_AGENT, where, f"agent {name!r}")
            self.agents[name] = NewUser(_email(name), name)
        return self.agents[name].email


def read_catalog(preset: str, found: Mapping[str, Path], quirks: QuirkLog) -> Catalog:
    """Read accounts, products and sales teams."""
    catalog = Catalog(quirks)
    for row in read_rows(preset, ACCOUNTS, found[ACCOUNTS.name], quirks):
        catalog.accounts[row["account"]] = _company(row)
    for row in read_rows(preset, PRODUCTS, found[PRODUCTS.name], quirks):
        catalog.prices[row["product"]] = _price(row, quirks)
    for row in read_rows(preset, TEAMS, found[TEAMS.name], quirks):
        name = row["sales_agent"]
        team = _team(row["regional_office"])
        catalog.agents[name] = NewUser(_email(name), name, team)
    return catalog


def _company(row: Row) -> dict[str, Any]:
    """An account's row as company traits: numbers as numbers, empty cells left out."""
    traits: dict[str, Any] = {"name": row["account"]}
    for column in ACCOUNTS.header[1:]:
        text = row[column]
        if not text:
            continue
        try:
            traits[column] = NUMBERS[column](text) if column in NUMBERS else text
        except ValueError:
            traits[column] = text
    return traits


def _price(row: Row, quirks: QuirkLog) -> Decimal:
    value = amount(row["sales_price"])
    if value is None:
        quirks.add(BAD_PRICE, row.where, f"{row['product']}: {row['sales_price']!r}")
    return value or Decimal(0)


def _compact(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def _email(name: str) -> str:
    """`Moses Frase` → `moses.frase@maven.invalid` (`.invalid`: no real address is implied)."""
    local = re.sub(r"[^a-z0-9]+", ".", name.casefold()).strip(".") or "agent"
    return f"{local}@maven.invalid"


def _team(office: str) -> str:
    """The regional office as a team key (`Central` → `central`); else `sales`."""
    key = re.sub(r"[^a-z0-9]+", "_", office.casefold()).strip("_")[:20]
    return key if key and key[0].isalpha() else "sales"
