"""The OpenAPI document is accurate: schemathesis calls every operation with generated
requests and checks each answer against what the document promises (status codes,
content types, response schemas, `Allow` on 405) and that none is a server error.
Left out: "a schema-valid request is accepted", which cannot hold where validity
goes past the schema (a funnel definition's content, a stage or reason the
definition must name, a contact that must exist); and, for the Segment intake
only, "a schema-violating request is refused": Segment's contract is to answer
200 and keep what it cannot read (here as dead letters), so clients never retry
a message that can never be accepted. Elsewhere that check is left out of a case
whose headers were generated invalid (the call sends a valid `Authorization`
instead, so the request judged is not the one sent), and a 413 for a body over
the size limit counts as refusing it. Both showed up as false failures at 150
examples per operation.

The document is the app's own (`app.openapi()`, no database needed to build it);
the requests go over HTTP to the app served by uvicorn on the populated test
world, so reads find contacts and deals. Examples are capped per operation to
keep the run short.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_support import live_server
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from rest_support import World, populate
from schemathesis.checks import CheckFunction
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)
from sqlalchemy import Engine

from embudo.api.app import create_app
from embudo.config import Settings

MAX_EXAMPLES = 4
DOCUMENT = create_app(Settings(database_url="sqlite://")).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)
# A body over the size limit is refused with 413 Content Too Large: a refusal too.
schema.config.checks.negative_data_rejection.expected_statuses = [
    *schema.config.checks.negative_data_rejection.expected_statuses,
    "413",
]


@pytest.fixture
def served(store: Engine) -> Iterator[tuple[str, World]]:
    app = create_app(engine=store)
    with TestClient(app) as client, live_server(app) as url:
        yield url, populate(store, client)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_document(case: Case[Any], served: tuple[str, World]) -> None:
    url, world = served
    excluded: list[CheckFunction] = [positive_data_acceptance]
    headers = world.admin
    if case.path.startswith("/v1/"):
        excluded.append(negative_data_rejection)
        headers = world.writer
    elif _headers_made_invalid(case):
        excluded.append(negative_data_rejection)
    case.call_and_validate(base_url=url, headers=headers, excluded_checks=excluded)


def _headers_made_invalid(case: Case[Any]) -> bool:
    """Whether schemathesis generated the case's headers invalid. The call sends a valid
    `Authorization` in their place, so the request is no longer the one judged invalid:
    schemathesis then reports the rest as accepted negative data even where it is valid
    as sent (an unknown query parameter, ignored; an empty object, sent as no parameter)."""
    found = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return found is not None and found.mode is GenerationMode.NEGATIVE
