"""A contact reference that only looks like an id is a contact not found, never a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from embudo.domain.errors import NotFound
from embudo.store.contacts import find_contact


@pytest.mark.parametrize(
    "reference",
    ["¹", "٣", "99999999999999999999", "9223372036854775808", "12345"],
    ids=["superscript", "arabic-indic", "past-64-bits", "just-past-64-bits", "no-such-id"],
)
def test_a_reference_no_contact_answers_to_is_not_found(store: Engine, reference: str) -> None:
    with store.connect() as conn, pytest.raises(NotFound, match="no contact"):
        find_contact(conn, 1, reference)
