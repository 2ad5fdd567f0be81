"""`embudo campaign cost`: what a campaign cost, for the attribution report's CAC and ROI."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.store import in_workspace
from embudo.domain.campaign_costs import parse_cost
from embudo.domain.errors import InvalidInput
from embudo.engine.campaign_costs import CampaignCost, record_campaign_cost

campaign_app = typer.Typer(
    name="campaign", help="Campaigns: record what they cost.", no_args_is_help=True
)
app.add_typer(campaign_app, name="campaign")


@campaign_app.command("cost")
def cost(
    campaign: Annotated[str, typer.Argument(help="The campaign's name (utm_campaign)")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (included)")],
    amount: Annotated[str, typer.Option(help="What it cost over those days, e.g. 1200.50")],
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code [default: the definition's currency]")
    ] = None,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a campaign's cost over days; the same --from again corrects it."""
    with in_workspace(db, workspace) as (conn, found):
        recorded = CampaignCost(
            campaign,
            _day("--from", start),
            _day("--to", end),
            parse_cost(campaign, amount),
            currency or found.spec.currency,
        )
        new = record_campaign_cost(conn, found.id, recorded)
    verb = "recorded" if new else "corrected"
    typer.echo(
        f"{verb}: {campaign} {recorded.start} to {recorded.end}, "
        f"{recorded.amount} {recorded.currency.upper()}"
    )


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} '{text}' is not a date — write it like 2026-03-31") from None
