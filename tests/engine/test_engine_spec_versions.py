"""Funnel definition versions: only a change makes one; moves name the version in force."""

from __future__ import annotations

import pytest
from funnel_support import (
    T0,
    at,
    contact,
    feed,
    identify,
    install,
    spec_document,
    track,
    transition_rows,
    workspace,
)
from sqlalchemy import Engine, func, select

from embudo.domain.errors import SpecError
from embudo.engine.workspaces import apply_spec
from embudo.store.tables import spec_versions


def _versions(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(spec_versions)) or 0)


def test_applying_the_same_document_again_makes_no_version(store: Engine) -> None:
    install(store)
    with store.begin() as conn:
        applied = apply_spec(conn, "default", spec_document(), source="again", now=at(1))

    assert (applied.version, applied.changed) == (1, False)
    assert _versions(store) == 1


def test_a_changed_document_is_a_new_version_that_later_moves_record(store: Engine) -> None:
    first = install(store)
    feed(store, [identify("i", at(0), user="u1", email="ana@example.com")])
    changed = spec_document()
    changed["qualification"]["mql"] = {"event": "webinar_registered"}
    with store.begin() as conn:
        applied = apply_spec(conn, "default", changed, source="v2", now=at(1), actor="lead")
    second = workspace(store)

    feed(store, [track("r", "webinar_registered", at(2), user="u1")])

    assert (applied.version, applied.changed, second.version) == (2, True, 2)
    assert second.spec_version_id != first.spec_version_id
    rows = transition_rows(store, contact(store, "u1").id)
    assert [(r.to_stage, r.spec_version_id) for r in rows] == [
        ("visitor", first.spec_version_id),
        ("lead", first.spec_version_id),
        ("mql", second.spec_version_id),
    ]


def test_removing_a_stage_that_holds_contacts_is_refused(store: Engine) -> None:
    install(store)
    feed(
        store,
        [identify(f"i{n}", at(n), user=f"u{n}", email=f"u{n}@example.com") for n in range(3)],
    )
    document = spec_document()
    document["lifecycle"]["stages"] = [
        stage for stage in document["lifecycle"]["stages"] if stage["key"] != "lead"
    ]
    moves = document["lifecycle"]["moves"]
    moves["reopen"]["to"] = "visitor"
    moves["disqualify"]["from"].remove("lead")
    del document["qualification"]["lead"]

    with pytest.raises(SpecError) as raised, store.begin() as conn:
        apply_spec(conn, "default", document, source="v2", now=T0)

    assert raised.value.problems == [
        "lifecycle.stages: stage 'lead' is removed but 3 contact(s) are in it "
        "— keep the stage, or move those contacts out first"
    ]
    assert _versions(store) == 1
