"""The interface language: English, Spanish or Italian, from `?lang=`, a cookie or the browser.

Catalogues are gettext `.mo` files compiled by Babel from `locales/*/LC_MESSAGES/messages.po`
(`make locales` extracts, updates and compiles them). A choice made with
`?lang=` is kept in a cookie, so one click sets the language for every page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "es", "it")
DEFAULT_LANGUAGE = "en"
COOKIE = "embudo_lang"
NAMES = {"en": "English", "es": "Español", "it": "Italiano"}
"""Each language in its own name: what a person looks for in the switch."""


def choose_language(asked: str | None, kept: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the cookie, then the best match of `Accept-Language`, else English."""
    for candidate in (asked, kept):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(accept_language or "")


def negotiate(accept_language: str) -> str:
    """The first of the browser's languages (by q-value) that embudo speaks."""
    for tag in _by_preference(accept_language):
        base = tag.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def _by_preference(header: str) -> list[str]:
    """Language tags of an `Accept-Language` header, highest q first (ties keep their order)."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = _quality(params)
        if tag and weight > 0:
            weighted.append((-weight, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language` (English is the source text: no catalogue)."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALES), [language], domain="messages")


@cache
def locale(language: str) -> Locale:
    """Babel's locale for numbers and dates (Spain's and Italy's conventions for es and it)."""
    return Locale.parse({"en": "en_US", "es": "es_ES", "it": "it_IT"}[language])
