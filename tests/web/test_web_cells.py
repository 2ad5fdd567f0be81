"""Report cells on screen: each column read by its name, in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from embudo.io.spec_file import parse_spec, template_text
from embudo.web import i18n
from embudo.web.cells import cell_formatter
from embudo.web.formats import Formats

SPEC = parse_spec(template_text("b2b-saas"), "b2b-saas.yaml").spec


@pytest.mark.parametrize(
    ("column", "value", "text", "numeric"),
    [
        ("win_rate", 0.5, "50,0\xa0%", True),
        ("win_rate_value", 0.0712, "7,1\xa0%", True),
        ("conversion", None, "—", False),
        ("avg_deal_size", Decimal("6000"), "6.000,00\xa0€", True),
        ("weighted_value", Decimal("12.5"), "12,50\xa0€", True),
        ("open_deals", 1234, "1.234", True),
        ("avg_days_to_close", 72.84, "72,8", True),
        ("stage", "customer", "Cliente", False),
        ("from_stage", "mql", "MQL", False),
        ("channel", "organic_search", "Organic search", False),
        ("channel", "direct", "direct", False),
        ("month", "2026-03", "mar 2026", False),
        ("period", "previous", "previous", False),
    ],
)
def test_cells_in_spanish(column: str, value: Any, text: str, numeric: bool) -> None:
    cell = cell_formatter("es", SPEC, Formats(i18n.locale("es"), ZoneInfo("UTC")))
    assert cell(column, value) == (text, numeric)
