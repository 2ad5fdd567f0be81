"""The flows page without a browser: the Sankey's links, conversion by channel and by month."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from page_support import embedded_charts
from sqlalchemy import Engine
from web_support import demo_workspace, signed_in_client

from embudo.io.spec_file import parse_spec, template_text
from embudo.web.flow_chart import TARGET, sankey


@pytest.fixture
def client(store: Engine) -> Iterator[TestClient]:
    demo_workspace(store, 150)
    with signed_in_client(store) as opened:
        yield opened


def test_flows_page_draws_moves_and_conversions(client: TestClient) -> None:
    response = client.get("/flows", params={"period": "all"})
    assert response.status_code == 200
    moves, by_channel, by_month = embedded_charts(response.text)
    links = moves["series"][0]["links"]
    assert links and all(link["value"] > 0 for link in links)
    assert by_channel["series"][0]["type"] == "bar" and by_channel["xAxis"]["data"]
    assert by_month["series"][0]["type"] == "line" and len(by_month["xAxis"]["data"]) >= 2
    assert 'id="by-month-table"' in response.text


def test_months_and_channels_read_as_the_language_writes_them(client: TestClient) -> None:
    html = client.get("/flows", params={"period": "all", "lang": "es"}).text
    assert "Conversión por canal" in html and "Organic search" in html
    months = embedded_charts(html)[2]["xAxis"]["data"]
    assert all(" 20" in month and "-" not in month for month in months)


def flow_row(start: str | None, end: str, direction: str, count: int) -> dict[str, Any]:
    return {"from_stage": start, "to_stage": end, "direction": direction, "count": count}


def test_sankey_splits_each_stage_so_recycling_makes_no_cycle_and_leaves_entries_out() -> None:
    spec = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml").spec
    rows = [
        flow_row(None, "lead", "enter", 9),
        flow_row("lead", "mql", "forward", 5),
        flow_row("mql", "nurture", "backward", 2),
        flow_row("nurture", "mql", "forward", 1),
    ]
    series = sankey(rows, spec, "en")["series"][0]
    nodes = [node["name"] for node in series["data"]]
    assert nodes == ["Lead", "MQL", "Nurture", "MQL" + TARGET, "Nurture" + TARGET]
    assert all(link["target"].endswith(TARGET) for link in series["links"])
    backward = [link for link in series["links"] if "lineStyle" in link]
    assert [(link["source"], link["value"]) for link in backward] == [("MQL", 2)]
