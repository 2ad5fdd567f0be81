"""Languages and formats: negotiation, Babel formatting per locale, complete catalogues."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from embudo.web import i18n
from embudo.web.formats import Formats

WEB = Path(i18n.__file__).parent


@pytest.mark.parametrize(
    ("asked", "kept", "header", "chosen"),
    [
        (None, None, None, "en"),
        (None, None, "es-ES,es;q=0.9,en;q=0.8", "es"),
        (None, None, "de-DE,it;q=0.7,es;q=0.5", "it"),
        (None, None, "en;q=0.2,es;q=0.9", "es"),
        (None, None, "fr-FR,de;q=0.9", "en"),
        (None, None, "es;q=0,it", "it"),
        (None, "it", "es-ES", "it"),
        ("es", "it", "en", "es"),
        ("xx", None, "it-IT", "it"),
    ],
)
def test_language_is_chosen_by_query_then_cookie_then_browser(
    asked: str | None, kept: str | None, header: str | None, chosen: str
) -> None:
    assert i18n.choose_language(asked, kept, header) == chosen


@pytest.mark.parametrize(
    ("language", "count", "rate", "money", "day"),
    [
        ("en", "12,345", "12.3%", "€1,200.50", "Mar 31, 2026"),
        ("es", "12.345", "12,3\xa0%", "1.200,50\xa0€", "31 mar 2026"),
        ("it", "12.345", "12,3%", "1.200,50\xa0€", "31 mar 2026"),
    ],
)
def test_numbers_money_and_dates_follow_the_language(
    language: str, count: str, rate: str, money: str, day: str
) -> None:
    formats = Formats(i18n.locale(language), ZoneInfo("Europe/Madrid"))
    assert formats.number(12345) == count
    assert formats.percent(0.1234) == rate
    assert formats.money(Decimal("1200.5"), "EUR") == money
    assert formats.day(date(2026, 3, 31)) == day
    assert formats.day(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) != day  # April 1st in Madrid


def test_change_is_signed_and_needs_a_previous_value() -> None:
    formats = Formats(i18n.locale("es"), ZoneInfo("UTC"))
    assert formats.change(12, 10) == "+20,0\xa0%"
    assert formats.change(5, 10) == "-50,0\xa0%"
    assert formats.change(5, 0) == formats.change(None, 3) == "—"


def source_messages() -> set[str]:
    """Every user-facing string of the dashboard, extracted as `make locales` does."""
    found = extract_from_dir(
        str(WEB),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        keywords={**DEFAULT_KEYWORDS, "N_": None},
    )
    return {message[2] if isinstance(message[2], str) else message[2][0] for message in found}


@pytest.mark.parametrize("language", ["es", "it"])
def test_every_string_is_translated_and_compiled(language: str) -> None:
    folder = WEB / "locales" / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale=language)
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogue
        if message.id and message.string and "fuzzy" not in message.flags
    }
    untranslated = source_messages() - translated
    assert not untranslated, f"run make locales and translate: {sorted(untranslated)}"
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), "run make locales"
