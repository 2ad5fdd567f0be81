"""Deals keyed by their source record: one deal per key and workspace, found again by key."""

from __future__ import annotations

import pytest
from deal_support import full_dump, new_deal, ready
from funnel_support import workspace
from sqlalchemy import Engine

from embudo.domain.errors import InvalidInput
from embudo.store.deals import deal_ids_by_source_key


def test_a_keyed_deal_is_found_by_its_key(store: Engine) -> None:
    ready(store, "ana", "bea")
    first = new_deal(store, "ana", source_key="crm:1")
    second = new_deal(store, "bea", source_key="crm:2")
    with store.connect() as conn:
        found = deal_ids_by_source_key(conn, workspace(store).id, ["crm:1", "crm:2", "crm:3"])
    assert {key: deal.id for key, deal in found.items()} == {"crm:1": first, "crm:2": second}
    assert found["crm:1"].status == "open"


def test_a_second_deal_with_the_same_key_is_refused_and_changes_nothing(store: Engine) -> None:
    ready(store, "ana", "bea")
    first = new_deal(store, "ana", source_key="crm:1")
    before = full_dump(store)
    with pytest.raises(InvalidInput, match=f"source key 'crm:1' is deal {first}'s already"):
        new_deal(store, "bea", source_key="crm:1")
    assert full_dump(store) == before


def test_deals_without_a_key_do_not_collide(store: Engine) -> None:
    ready(store, "ana")
    assert new_deal(store, "ana") != new_deal(store, "ana")
    with store.connect() as conn:
        assert deal_ids_by_source_key(conn, workspace(store).id, []) == {}
