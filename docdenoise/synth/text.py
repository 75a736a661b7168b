"""Text for synthetic pages: sentences from the bundled corpus and generated names, addresses,
dates, amounts and reference numbers (English plus French, German, Spanish, Polish and Nordic).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

CORPUS_FILE = "corpus.txt"
_PROSE = ("prose.en", "prose.fr", "prose.de", "prose.es", "prose.pl", "prose.nordic")
_PROSE_WEIGHTS = (0.62, 0.09, 0.09, 0.08, 0.07, 0.05)
_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
}


@lru_cache(maxsize=1)
def corpus() -> dict[str, tuple[str, ...]]:
    """The corpus file as {section: entries}; see the file's header for the format."""
    raw = resources.files("docdenoise.synth").joinpath("data", CORPUS_FILE).read_text("utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line.removesuffix(" (PD)"))
    return {name: tuple(entries) for name, entries in sections.items()}


def choice(rng: np.random.Generator, section: str) -> str:
    """A random entry of a corpus section."""
    entries = corpus()[section]
    return entries[int(rng.integers(len(entries)))]


def language(rng: np.random.Generator) -> str:
    """A corpus prose section, English most of the time."""
    return _PROSE[int(rng.choice(len(_PROSE), p=_PROSE_WEIGHTS))]


def sentence(rng: np.random.Generator, lang: str | None = None) -> str:
    """A random sentence of prose section ``lang`` (random language by default)."""
    return choice(rng, language(rng) if lang is None else lang)


def paragraph(rng: np.random.Generator, sentences: int | None = None) -> str:
    """A paragraph of 2 to 6 sentences (or ``sentences``), mostly in one language."""
    n = int(rng.integers(2, 7)) if sentences is None else sentences
    lang = language(rng) if rng.random() < 0.8 else None
    return " ".join(sentence(rng, lang) for _ in range(n))


def person(rng: np.random.Generator) -> str:
    title = ("", "", "Mr ", "Ms ", "Dr ", "Mrs ", "M. ", "Herr ", "Sra. ")[int(rng.integers(9))]
    return f"{title}{choice(rng, 'given_names')} {choice(rng, 'surnames')}"


def address(rng: np.random.Generator) -> list[str]:
    """A postal address as lines: name, optional company, street, city."""
    lines = [person(rng)]
    if rng.random() < 0.4:
        lines.append(choice(rng, "companies"))
    street = choice(rng, "streets")
    number = int(rng.integers(1, 240))
    street_line = f"{street} {number}" if street[0].islower() or "straße" in street else ""
    lines.append(street_line or f"{number} {street}")
    lines.append(choice(rng, "cities"))
    return lines


def date(rng: np.random.Generator) -> str:
    """A date in one of many national formats."""
    year, month, day = (
        int(rng.integers(1950, 2031)),
        int(rng.integers(1, 13)),
        int(rng.integers(1, 29)),
    )
    style = int(rng.integers(9))
    if style == 0:
        return f"{day:02d}/{month:02d}/{year}"
    if style == 1:
        return f"{year}-{month:02d}-{day:02d}"
    if style == 2:
        return f"{day}.{month}.{year}"
    if style == 3:
        return f"{month}/{day}/{year % 100:02d}"
    lang = ("en", "fr", "de", "es", "pl")[style - 4]
    name = _MONTHS[lang].split()[month - 1]
    if lang == "es":
        return f"{day} de {name} de {year}"
    return f"{day}{'.' if lang == 'de' else ''} {name} {year}"


def amount(rng: np.random.Generator, magnitude: float | None = None) -> str:
    """A money amount in one of several currency styles: £1,245.80, 1 234,56 €, 389,90 zł."""
    top = 10 ** (magnitude if magnitude is not None else rng.uniform(0.5, 5))
    value = float(rng.uniform(0.5, 1.0) * top)
    whole, cents = int(value), round((value % 1) * 100) % 100
    style = int(rng.integers(5))
    if style <= 1:
        sym = "£$"[style]
        return f"{sym}{whole:,}.{cents:02d}"
    grouped = f"{whole:,}".replace(",", " " if style != 2 else ".")
    unit = ("", "", "€", "€", "zł")[style]
    return f"{grouped},{cents:02d} {unit}"


def number_string(rng: np.random.Generator, kind: str | None = None) -> str:
    """A reference, phone number, account number, e-mail or similar typed form value."""
    kinds = ("ref", "phone", "account", "email", "plate", "digits")
    kind = kinds[int(rng.integers(len(kinds)))] if kind is None else kind

    def d(n: int) -> str:
        return "".join(str(int(x)) for x in rng.integers(0, 10, n))

    def letters(n: int) -> str:
        return "".join(chr(65 + int(x)) for x in rng.integers(0, 26, n))

    if kind == "ref":
        return f"{letters(2)}-{d(5)}/{d(2)}"
    if kind == "phone":
        return f"+{d(2)} {d(3)} {d(3)} {d(3)}"
    if kind == "account":
        return f"{letters(2)}{d(2)} {d(4)} {d(4)} {d(4)} {d(2)}"
    if kind == "email":
        return f"{choice(rng, 'surnames').lower().replace(' ', '')}{d(2)}@example.org"
    if kind == "plate":
        return f"{letters(2)}{d(2)} {letters(3)}"
    return d(int(rng.integers(4, 10)))


def field_value(rng: np.random.Generator, label: str) -> str:
    """A plausible value for a form field called ``label``."""
    low = label.lower()
    if "date" in low or "datum" in low or "fecha" in low:
        return date(rng)
    if "amount" in low:
        return amount(rng)
    if "name" in low or low in ("nom", "prénom", "employer", "next of kin"):
        return person(rng)
    if "address" in low or "anschrift" in low:
        return ", ".join(address(rng)[-2:])
    if "mail" in low:
        return number_string(rng, "email")
    if "telephone" in low:
        return number_string(rng, "phone")
    if "account" in low or "sort" in low:
        return number_string(rng, "account")
    if "registration" in low:
        return number_string(rng, "plate")
    if "no" in low or "number" in low:
        return number_string(rng, "ref")
    return choice(rng, "cities") if "town" in low or "place" in low else sentence(rng)[:28]
