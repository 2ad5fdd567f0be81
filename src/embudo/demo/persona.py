"""Who a simulated contact is: names, email, country and the traits fit rules look at.

The values are drawn so that a comparison from the spec sometimes holds and
sometimes does not: a demo where every contact fits the buyer persona (or none
does) would make fit scoring look meaningless.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from random import Random
from string import ascii_uppercase
from typing import Any

from embudo.domain.conditions import Comparison

FIRST_NAMES: tuple[str, ...] = ("Lucía", "Mateo", "Sofía", "Giulia", "Marco", "Valentina")
FIRST_NAMES += ("Diego", "Chiara", "Camila", "Alessandro", "Martina", "Javier", "Elena", "Luca")
LAST_NAMES: tuple[str, ...] = ("García", "Rossi", "Martínez", "Bianchi", "López", "Romano")
LAST_NAMES += ("Fernández", "Ricci", "Sánchez", "Colombo", "Pérez", "Ferrari", "Gómez", "Díaz")
COUNTRIES = ("ES", "IT", "MX", "AR", "CO", "CL", "PE", "US", "FR", "DE")
MAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.es", "libero.it", "icloud.com")
WORDS = ("senior", "junior", "head", "lead", "chief", "global", "new")
PLAIN = ("analyst", "student", "consultant", "assistant", "freelance", "retail", "none")
_ASCII = str.maketrans("áéíóúñ", "aeioun")

Maker = Callable[[Any, bool, Random], Any]


def value_for(comparison: Comparison, *, meets: bool, rng: Random) -> Any:
    """A value for which `comparison.holds` is `meets`; None stands for "no value"."""
    operator, expected = comparison.operators()[0]
    value = _MAKERS[operator](expected, meets, rng)
    return value if comparison.holds(value) is meets else _MAKERS[operator](expected, meets, rng)


def _other(expected: Any, rng: Random, taken: Collection[Any] = ()) -> Any:
    """Something different from `expected` (and from `taken`), of the same kind.

    A code (`MI`, a province; `ES`, a country) is missed by another code, never
    by a word: "student" in a province would read as a bug in the data. Other
    text is missed by a plain word when it can be.
    """
    if isinstance(expected, bool):
        return not expected
    if isinstance(expected, int | float):
        return expected + rng.randint(1, 100)
    if _is_code(str(expected)):
        return _code(len(str(expected)), {expected, *taken}, rng)
    plain = [word for word in PLAIN if str(expected).casefold() not in word]
    return rng.choice(plain) if plain else f"other_{rng.randint(1, 999)}"


def _is_code(text: str) -> bool:
    """Short upper-case letters: a country, province or state code."""
    return len(text) <= 3 and text.isalpha() and text.isupper()


def _code(length: int, taken: Collection[Any], rng: Random) -> str:
    """An upper-case code of `length` letters that is none of `taken`."""
    while True:
        code = "".join(rng.choice(ascii_uppercase) for _ in range(length))
        if code not in taken:
            return code


def _eq(expected: Any, meets: bool, rng: Random) -> Any:
    return expected if meets else _other(expected, rng)


def _in(expected: Any, meets: bool, rng: Random) -> Any:
    return rng.choice(expected) if meets else _other(expected[0], rng, expected)


def _filler(rng: Random) -> str:
    return rng.choice(WORDS)


def _prefixed(prefix: str, rng: Random) -> str:
    """`prefix` and a word; a path prefix (`/careers`) gets a path below it."""
    return (
        f"{prefix.rstrip('/')}/{_filler(rng)}" if prefix.startswith("/") else prefix + _filler(rng)
    )


def _step(expected: Any, rng: Random) -> float:
    return float(rng.randint(1, max(1, int(abs(float(expected))))))


def _above(expected: Any, strict: bool, rng: Random) -> float:
    """A number above `expected` (or equal to it when not `strict`), whole if it is whole."""
    value = float(expected) + _step(expected, rng) * (1 if strict else rng.randint(0, 1))
    return int(value) if value.is_integer() else value


def _below(expected: Any, strict: bool, rng: Random) -> float:
    value = float(expected) - _step(expected, rng) * (1 if strict else rng.randint(0, 1))
    return int(value) if value.is_integer() else value


_MAKERS: dict[str, Maker] = {
    "eq": _eq,
    "ne": lambda expected, meets, rng: _eq(expected, not meets, rng),
    "in": _in,
    "not_in": lambda expected, meets, rng: _in(expected, not meets, rng),
    "gt": lambda x, meets, rng: _above(x, True, rng) if meets else _below(x, False, rng),
    "gte": lambda x, meets, rng: _above(x, False, rng) if meets else _below(x, True, rng),
    "lt": lambda x, meets, rng: _below(x, True, rng) if meets else _above(x, False, rng),
    "lte": lambda x, meets, rng: _below(x, False, rng) if meets else _above(x, True, rng),
    "exists": lambda x, meets, rng: _filler(rng) if meets is x else None,
    "contains": lambda x, meets, rng: f"{_filler(rng)} {x}" if meets else _other(x, rng),
    "starts_with": lambda x, meets, rng: _prefixed(x, rng) if meets else _other(x, rng),
    "ends_with": lambda x, meets, rng: f"{_filler(rng)}{x}" if meets else _other(x, rng),
}


def email_for(local: str, comparison: Comparison, *, meets: bool, rng: Random) -> str:
    """An address that meets (or misses) a comparison and still looks like an address."""
    operator, expected = comparison.operators()[0]
    if operator == "ends_with" and meets:
        return _address(local, str(expected))
    value = value_for(comparison, meets=meets, rng=rng)
    if isinstance(value, str) and "@" in value:
        return value
    candidate = f"{local}@{rng.choice(MAIL_DOMAINS)}"
    return candidate if comparison.holds(candidate) is meets else f"{local}@mail.example"


def _address(local: str, suffix: str) -> str:
    """`local` plus a suffix that may be `@domain`, `domain` or a bare ending like `.edu`."""
    if suffix.startswith("@"):
        return local + suffix
    if suffix.startswith("."):
        return f"{local}@mail{suffix}"
    return f"{local}@{suffix}" if "." in suffix else f"{local}.{suffix}@mail.example"


def person(rng: Random, number: int) -> dict[str, Any]:
    """The traits every form collects: email, first and last name, country."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = f"{first}.{last}{number}".lower().translate(_ASCII)
    email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
    country = rng.choice(COUNTRIES)
    return {"email": email, "firstName": first, "lastName": last, "country": country}


def local_part(traits: dict[str, Any]) -> str:
    return str(traits["email"]).split("@")[0]


def fitted(
    rules: Mapping[str, Sequence[Comparison]], rng: Random, traits: dict[str, Any]
) -> dict[str, Any]:
    """`traits` plus one value per trait a fit rule names, meeting its rule half the time.

    A trait that already meets (or misses) as drawn keeps its value, so a country
    stays a real country code when the rule asks for one. A miss is a value too
    (a job title that is not the one wanted), since forms ask every contact.
    """
    fitted_traits = dict(traits)
    for name, comparisons in rules.items():
        comparison, meets = rng.choice(comparisons), rng.random() < 0.5
        current = fitted_traits.get(name)
        if current is None or comparison.holds(current) is not meets:
            fitted_traits[name] = satisfy(name, comparison, fitted_traits, meets=meets, rng=rng)
    return {name: value for name, value in fitted_traits.items() if value is not None}


def satisfy(
    name: str, comparison: Comparison, traits: dict[str, Any], *, meets: bool, rng: Random
) -> Any:
    """A value for trait `name`; the email keeps its owner's name in front of the `@`."""
    if name == "email" and "email" in traits:
        return email_for(local_part(traits), comparison, meets=meets, rng=rng)
    return value_for(comparison, meets=meets, rng=rng)
