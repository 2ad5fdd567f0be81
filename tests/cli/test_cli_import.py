"""`embudo import --preset` as people run it: a summary, warnings per kind, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from command_line import embudo

MQLS = "olist_marketing_qualified_leads_dataset.csv"
DEALS = "olist_closed_deals_dataset.csv"
DEALS_HEADER = (
    "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,lead_behaviour_profile,"
    "has_company,has_gtin,average_stock,business_type,declared_product_catalog_size,"
    "declared_monthly_revenue"
)


def _olist(
    folder: Path, mqls_header: str = "mql_id,first_contact_date,landing_page_id,origin"
) -> Path:
    """Two MQLs, one without origin; one won deal with two behaviour profiles."""
    folder.mkdir(exist_ok=True)
    (folder / MQLS).write_text(f"{mqls_header}\nm1,2018-02-01,p1,social\nm2,2018-02-03,p1,\n")
    deal = 'm1,s1,sdr1,sr1,2018-02-26 19:58:54,pet,online_medium,"cat, wolf",,,,reseller,,1500.0'
    (folder / DEALS).write_text(f"{DEALS_HEADER}\n{deal}\n")
    return folder


def test_import_prints_a_summary_and_each_kind_of_warning_once(
    tmp_path: Path, store_url: str
) -> None:
    done = embudo(
        tmp_path, "import", "--preset", "olist", str(_olist(tmp_path / "olist")), "--db", store_url
    )
    assert done.returncode == 0, done.stderr
    assert (
        "messages accepted 5, duplicates 0, rejected 0; users added 2; deals opened 1, won 1"
        in done.stdout
    )
    assert "warning: MQL without origin (channel 'unknown') — 1" in done.stderr
    assert f"  {MQLS}:3: MQL m2 has no origin" in done.stderr
    assert "warning: several behaviour profiles in one cell (kept as a list) — 1" in done.stderr


def test_import_twice_applies_nothing_the_second_time(tmp_path: Path, store_url: str) -> None:
    folder = str(_olist(tmp_path / "olist"))
    embudo(tmp_path, "import", "--preset", "olist", folder, "--db", store_url)
    again = embudo(tmp_path, "import", "--preset", "olist", folder, "--db", store_url)
    assert again.returncode == 0, again.stderr
    assert "messages accepted 0, duplicates 5" in again.stdout
    assert "deals opened 0, won 0, lost 0, already imported 1" in again.stdout
    listed = embudo(
        tmp_path, "deal", "list", "--format", "json", "--db", store_url, "-w", "default"
    )
    assert [deal["status"] for deal in json.loads(listed.stdout)] == ["won"]


def test_files_can_be_named_one_by_one(tmp_path: Path, store_url: str) -> None:
    folder = _olist(tmp_path / "olist")
    done = embudo(
        tmp_path,
        "import",
        "--preset",
        "olist",
        str(folder / MQLS),
        str(folder / DEALS),
        "--db",
        store_url,
    )
    assert done.returncode == 0, done.stderr


def test_a_missing_column_names_the_file_the_column_and_the_expected_header(
    tmp_path: Path, store_url: str
) -> None:
    folder = _olist(tmp_path / "olist", mqls_header="mql_id,landing_page_id,origin")
    done = embudo(tmp_path, "import", "--preset", "olist", str(folder), "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"error: {MQLS}: missing column 'first_contact_date' — preset 'olist' expects the header "
        "mql_id,first_contact_date,landing_page_id,origin"
    )


def test_a_missing_file_or_an_unknown_preset_is_an_error(tmp_path: Path, store_url: str) -> None:
    folder = _olist(tmp_path / "olist")
    (folder / DEALS).unlink()
    done = embudo(tmp_path, "import", "--preset", "olist", str(folder), "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"error: {DEALS}: missing — preset 'olist' needs it, with the header mql_id,"
    )
    done = embudo(tmp_path, "import", "--preset", "hubspot", str(folder), "--db", store_url)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: unknown preset 'hubspot' — choose one of: olist, maven"


def test_a_deal_the_engine_refuses_exits_3_with_the_rest_imported(
    tmp_path: Path, store_url: str
) -> None:
    mqls_only = _olist(tmp_path / "mqls")
    (mqls_only / DEALS).write_text(f"{DEALS_HEADER}\n")
    db = ("--db", store_url)
    assert embudo(tmp_path, "import", "--preset", "olist", str(mqls_only), *db).returncode == 0
    assert embudo(tmp_path, "lead", "disqualify", "m1", "--reason", "spam", *db).returncode == 0
    done = embudo(tmp_path, "import", "--preset", "olist", str(_olist(tmp_path / "all")), *db)
    assert done.returncode == 3
    assert "deals opened 0, won 0, lost 0, already imported 0, refused 1" in done.stdout
    assert "warning: refused by the engine (row skipped) — 1" in done.stderr
    assert f"  {DEALS}:2: deal olist:m1: contact m1 is in stage 'disqualified'" in done.stderr
