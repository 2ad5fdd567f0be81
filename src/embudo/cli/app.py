"""The `embudo` command: a thin shell that parses options and calls the library."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from embudo.domain.errors import EmbudoError

app = typer.Typer(
    name="embudo",
    help="One funnel for marketing and sales: the agreement as code, history as truth.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def _register() -> None:
    """Attach every command group; each module adds its commands to `app`."""
    from embudo.cli import (  # noqa: F401
        apikeys,
        campaigns,
        contacts,
        db,
        deals,
        demo,
        export,
        handoff,
        imports,
        ingest,
        lists,
        outbox,
        report,
        serve,
        spec,
        users,
    )


def main() -> None:
    """Run the CLI; an `EmbudoError` becomes its message on stderr and its exit code.

    Usage errors (a missing option, a value of the wrong type) are click's
    plain `Usage: ... Error: ...` lines with exit code 2.
    """
    _register()
    try:
        outcome = app(standalone_mode=False)
    except EmbudoError as error:
        errors.print(f"error: {error}", markup=False)
        sys.exit(error.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        errors.print("aborted")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as usage:
        show = getattr(usage, "show", None)
        if callable(show):
            show()
        else:
            errors.print(f"error: {usage.format_message()}", markup=False)
        sys.exit(usage.exit_code)
    sys.exit(outcome if isinstance(outcome, int) else 0)
