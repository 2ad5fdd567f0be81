"""`embudo init`, `check`, `apply`: the funnel definition as code."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import clock, migrate, opened
from embudo.config import Settings
from embudo.domain.errors import InvalidInput
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import TEMPLATES, LoadedSpec, load_spec, parse_spec, template_text

FileArgument = Annotated[Path, typer.Argument(help="The funnel definition, e.g. embudo.yaml")]


@app.command()
def init(
    template: Annotated[
        str, typer.Option("--template", "-t", help=f"One of: {', '.join(TEMPLATES)}")
    ],
    file: Annotated[Path, typer.Option("--file", "-f", help="Where to write it")] = Path(
        "embudo.yaml"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file")] = False,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write embudo.yaml from a template and create the workspace with it as version 1."""
    text = template_text(template)
    if file.exists() and not force:
        raise InvalidInput(f"{file} already exists — use --force to overwrite it, or --file")
    loaded = parse_spec(text, f"{template}.yaml")
    chosen = settings(db, workspace)
    migrate(chosen)
    version = _apply(loaded, chosen)
    file.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {file} (template {template}); workspace at version {version}")


@app.command()
def check(
    file: FileArgument,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Also try it against this database (nothing is applied): stages removed "
            "while contacts or deals are in them are refused there",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Validate a funnel definition; print every problem with its line, exit 1 if any."""
    loaded = load_spec(file)
    spec = loaded.spec
    typer.echo(
        f"{file}: ok — {len(spec.lifecycle.stages)} stages, {len(spec.events)} events, "
        f"{len(spec.scoring.fit) + len(spec.scoring.engagement)} scoring rules, "
        f"{len(spec.pipelines)} pipelines, {len(spec.playbooks)} playbooks"
    )
    if db is not None:
        typer.echo(f"{file}: {_try_against(loaded, settings(db, workspace))}")


def _try_against(loaded: LoadedSpec, chosen: Settings) -> str:
    """Apply the definition in a transaction that is always rolled back."""
    with opened(chosen) as engine, engine.connect() as conn:
        transaction = conn.begin()
        try:
            applied = apply_spec(
                conn, chosen.workspace, loaded.document, loaded.source, now=clock()
            )
        finally:
            transaction.rollback()
    if not applied.changed:
        return f"same as the workspace's version {applied.version}"
    return f"would be the workspace's version {applied.version} (nothing applied)"


@app.command()
def apply(file: FileArgument, db: DbOption = None, workspace: WorkspaceOption = None) -> None:
    """Store a changed funnel definition as the workspace's next version (refused if invalid)."""
    version = _apply(load_spec(file), settings(db, workspace))
    typer.echo(f"{file}: workspace at version {version}")


def _apply(loaded: LoadedSpec, chosen: Settings) -> str:
    with opened(chosen) as engine, engine.begin() as conn:
        applied = apply_spec(
            conn,
            chosen.workspace,
            loaded.document,
            loaded.source,
            now=clock(),
            actor=getpass.getuser(),
        )
    return f"{applied.version}" + ("" if applied.changed else " (unchanged)")
