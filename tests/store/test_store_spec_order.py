"""A funnel definition reads back in the order it was written, on every backend.

JSONB sorts object keys (shortest first), which is why the pipelines below are
`zeta_partners`, `new_business`, `alpha`: written order, reversed by JSONB.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select, update

from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import LoadedSpec, parse_spec, template_text
from embudo.store import schema
from embudo.store.tables import spec_versions, workspaces
from embudo.store.workspaces import open_workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WRITTEN = ["zeta_partners", "new_business", "alpha"]


def _pipeline(key: str) -> str:
    return (
        f"  {key}:\n"
        "    currency: EUR\n"
        "    stages:\n"
        "      - {key: talk, probability: 0.5}\n"
        "      - {key: won, probability: 1, kind: won}\n"
        "      - {key: lost, probability: 0, kind: lost}\n"
    )


def _loaded() -> LoadedSpec:
    text = template_text("b2b-saas").replace("pipelines:\n", "pipelines:\n" + _pipeline(WRITTEN[0]))
    text = text.replace(
        "\n# What each team promises", "\n" + _pipeline(WRITTEN[2]) + "\n# What each team promises"
    )
    return parse_spec(text, "ordered.yaml")


def _apply(store: Engine, name: str, loaded: LoadedSpec, source: str | None = None) -> None:
    with store.begin() as conn:
        apply_spec(
            conn, name, loaded.document, loaded.source if source is None else source, now=NOW
        )


def _edit_source(store: Engine, name: str, source: str) -> None:
    """Give a stored version a source that no longer yields its document."""
    which = select(workspaces.c.id).where(workspaces.c.name == name).scalar_subquery()
    with store.begin() as conn:
        conn.execute(
            update(spec_versions).where(spec_versions.c.workspace_id == which).values(source=source)
        )


def _pipelines(store: Engine, name: str) -> list[str]:
    with store.connect() as conn:
        return list(open_workspace(conn, name).spec.pipelines)


def test_the_loaded_definition_is_in_written_order() -> None:
    assert list(_loaded().spec.pipelines) == WRITTEN


def test_a_definition_reads_back_in_written_order(store: Engine) -> None:
    _apply(store, "default", _loaded())

    assert _pipelines(store, "default") == WRITTEN


def test_the_upgrade_restores_the_written_order_of_stored_definitions(store: Engine) -> None:
    """Stored before 0006 (JSONB on PostgreSQL): re-read from `source` when it matches."""
    schema.downgrade(store, "0005")
    loaded = _loaded()
    _apply(store, "from_source", loaded)
    _apply(store, "no_source", loaded, source="")
    _apply(store, "edited_source", loaded)
    _edit_source(store, "edited_source", "name: other\n")

    schema.upgrade(store)

    assert _pipelines(store, "from_source") == WRITTEN
    assert set(_pipelines(store, "no_source")) == set(WRITTEN)
    assert set(_pipelines(store, "edited_source")) == set(WRITTEN)
    _apply(store, "after", loaded)
    assert _pipelines(store, "after") == WRITTEN
