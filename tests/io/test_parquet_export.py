"""`export_parquet`: one workspace's rows, every column with the Arrow type of its schema type."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from deal_support import ready
from funnel_support import install, workspace
from report_support import clinic_deals
from sqlalchemy import Engine, func, select

from embudo.io.parquet import SNAPSHOT_TABLES, export_parquet
from embudo.store.tables import deals


def _export(store: Engine, folder: Path, name: str = "default") -> None:
    with store.connect() as conn:
        export_parquet(conn, workspace(store, name).id, folder)


def test_types_follow_the_schema(store: Engine, tmp_path: Path) -> None:
    clinic_deals(store)
    _export(store, tmp_path)
    assert sorted(path.stem for path in tmp_path.glob("*.parquet")) == sorted(
        table.name for table in SNAPSHOT_TABLES
    )
    schema = pq.read_schema(tmp_path / "deals.parquet")
    assert schema.field("id").type == pa.int64()
    assert schema.field("amount").type == pa.decimal128(18, 4)
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("expected_close_on").type == pa.date32()
    assert schema.field("closed_at").nullable
    assert not schema.field("pipeline").nullable
    amounts = pq.read_table(tmp_path / "deals.parquet").column("amount").to_pylist()
    assert sorted(amounts) == [Decimal("500"), Decimal("1000"), Decimal("2000"), Decimal("3000")]
    traits = pq.read_table(tmp_path / "contacts.parquet").column("traits").to_pylist()
    assert '{"email": "ana@example.com"}' in traits


def test_only_the_workspace_asked_for(store: Engine, tmp_path: Path) -> None:
    """A second workspace's deals stay out of the first one's snapshot."""
    clinic_deals(store)
    install(store, name="other")
    _export(store, tmp_path / "default")
    _export(store, tmp_path / "other", "other")
    with store.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(deals))
    assert pq.read_table(tmp_path / "default" / "deals.parquet").num_rows == stored == 4
    assert pq.read_table(tmp_path / "other" / "deals.parquet").num_rows == 0
    other = pq.read_table(tmp_path / "other" / "workspaces.parquet").column("name").to_pylist()
    assert other == ["other"]


def test_an_empty_table_is_a_file_with_its_columns(store: Engine, tmp_path: Path) -> None:
    ready(store, "ana")
    _export(store, tmp_path)
    empty = pq.read_table(tmp_path / "deal_stage_history.parquet")
    assert empty.num_rows == 0
    assert empty.schema.field("occurred_at").type == pa.timestamp("us", tz="UTC")
