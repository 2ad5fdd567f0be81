"""Forms posted by the pages: their fields, and the mistakes shown next to each field.

Browsers and htmx post `application/x-www-form-urlencoded`, which the
standard library reads; no multipart parser is needed for forms of a few
short fields. A page checks what it can before writing (a reason chosen, an
amount that is a number) and raises `FormRejected` with one message per
field; nothing is written then, and the page renders the form again with
each message beside its field (status 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Path, Request

from embudo.domain.errors import InvalidInput

MAX_BODY = 256 * 1024
"""A funnel definition is the largest thing a page posts; a few kilobytes in practice."""


@dataclass(frozen=True, slots=True)
class Form:
    """A posted form's fields (the last value of a repeated one)."""

    fields: dict[str, str]

    def text(self, name: str) -> str:
        """The field stripped of surrounding spaces; empty when it was not sent."""
        return self.fields.get(name, "").strip()

    def optional(self, name: str) -> str | None:
        """The field, or None when it was left empty."""
        return self.text(name) or None


class FormRejected(Exception):
    """The form cannot be acted on: `errors` maps a field's name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


async def posted_form(request: Request) -> Form:
    """The request's urlencoded body (an empty form for anything else)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"the form is over {MAX_BODY // 1024} KB: send less")
    if "urlencoded" not in request.headers.get("content-type", ""):
        return Form({})
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return Form({name: values[-1] for name, values in parsed.items()})


FormDep = Annotated[Form, Depends(posted_form)]

RowId = Annotated[int, Path(ge=1, le=2**62)]
"""A row's id in a page's path: a number the store's 64-bit ids can hold (else 422, not a 500)."""
