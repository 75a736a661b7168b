"""Text for synthetic pages: sentences from the bundled corpus and generated names, addresses,
dates, amounts and reference numbers (English plus French, German, Spanish, Polish and Nordic),
or, with ``script`` ``ko``/``ja``/``zh``, the same kinds of text in Korean, Japanese or Chinese
from ``corpus_<script>.txt``. Latin text draws from the generator exactly as before CJK came.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

CORPUS_FILE = "corpus.txt"
CJK_NAME_SEP = {"ko": "", "ja": " ", "zh": ""}  # between surname and given name
CJK_SENTENCE_SEP = {"ko": " ", "ja": "", "zh": ""}
_PLATE = {  # the letters of number plates
    "ko": "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호",
    "ja": "なにぬはまやらわ",
    "zh": "京沪粤浙苏川鄂陕渝津辽",
}
# Characters the CJK generators add besides the corpus (dates, amounts, plates)
_GENERATED = {
    "ko": "년월일원금정" + _PLATE["ko"],
    "ja": "年月日円¥￥〒令和平成昭和品川" + _PLATE["ja"],
    "zh": "年月日元¥号邮编" + _PLATE["zh"],
}
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


def corpus_file(script: str = "latin") -> str:
    return CORPUS_FILE if script == "latin" else f"corpus_{script}.txt"


@lru_cache(maxsize=4)
def corpus(script: str = "latin") -> dict[str, tuple[str, ...]]:
    """The corpus of ``script`` as {section: entries}; see the files' headers for the format.

    ``label = kind`` entries ([labels] of the CJK files) give the label only; see `pairs`.
    """
    sections = _sections(script)
    return {
        name: tuple(e.split(" = ")[0] if name == "labels" else e for e in entries)
        for name, entries in sections.items()
    }


@lru_cache(maxsize=16)
def pairs(script: str, section: str) -> dict[str, str]:
    """A ``key = value`` section: [words] (key -> text), CJK [labels] (label -> kind)."""
    return {k: v for k, _, v in (entry.partition(" = ") for entry in _sections(script)[section])}


def words(script: str) -> dict[str, str]:
    """The fixed words of the layouts (table headers, "Signature", ...) in ``script``."""
    return pairs(script, "words")


def drawn_characters(script: str) -> frozenset[str]:
    """Every character that text in CJK ``script`` may hold (a font must draw them all)."""
    raw = resources.files("docdenoise.synth").joinpath("data", corpus_file(script))
    lines = [ln for ln in raw.read_text("utf-8").splitlines() if not ln.startswith(("#", "["))]
    text = "".join(lines) + _GENERATED[script] + "·–•"  # and the marks layouts add
    ascii_ = "".join(chr(c) for c in range(33, 127))  # references, e-mail, IBAN-like numbers
    return frozenset(ch for ch in text + ascii_ if not ch.isspace())


@lru_cache(maxsize=4)
def _sections(script: str) -> dict[str, list[str]]:
    raw = resources.files("docdenoise.synth").joinpath("data", corpus_file(script))
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in raw.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line.removesuffix(" (PD)"))
    return sections


def choice(rng: np.random.Generator, section: str, script: str = "latin") -> str:
    """A random entry of a corpus section."""
    entries = corpus(script)[section]
    return entries[int(rng.integers(len(entries)))]


def language(rng: np.random.Generator) -> str:
    """A corpus prose section, English most of the time."""
    return _PROSE[int(rng.choice(len(_PROSE), p=_PROSE_WEIGHTS))]


def sentence(rng: np.random.Generator, lang: str | None = None, script: str = "latin") -> str:
    """A random sentence of prose section ``lang`` (random language by default)."""
    if script != "latin":
        return choice(rng, "prose", script)
    return choice(rng, language(rng) if lang is None else lang)


def paragraph(rng: np.random.Generator, sentences: int | None = None, script: str = "latin") -> str:
    """A paragraph of 2 to 6 sentences (or ``sentences``), mostly in one language."""
    n = int(rng.integers(2, 7)) if sentences is None else sentences
    if script != "latin":
        return CJK_SENTENCE_SEP[script].join(sentence(rng, script=script) for _ in range(n))
    lang = language(rng) if rng.random() < 0.8 else None
    return " ".join(sentence(rng, lang) for _ in range(n))


def person(rng: np.random.Generator, script: str = "latin") -> str:
    if script != "latin":
        surname = choice(rng, "surnames", script)
        return f"{surname}{CJK_NAME_SEP[script]}{choice(rng, 'given_names', script)}"
    title = ("", "", "Mr ", "Ms ", "Dr ", "Mrs ", "M. ", "Herr ", "Sra. ")[int(rng.integers(9))]
    return f"{title}{choice(rng, 'given_names')} {choice(rng, 'surnames')}"


def address(rng: np.random.Generator, script: str = "latin") -> list[str]:
    """A postal address as lines: name, optional company, street, city (CJK: postcode)."""
    if script != "latin":
        return _cjk_address(rng, script)
    lines = [person(rng)]
    if rng.random() < 0.4:
        lines.append(choice(rng, "companies"))
    street = choice(rng, "streets")
    number = int(rng.integers(1, 240))
    street_line = f"{street} {number}" if street[0].islower() or "straße" in street else ""
    lines.append(street_line or f"{number} {street}")
    lines.append(choice(rng, "cities"))
    return lines


def date(rng: np.random.Generator, script: str = "latin") -> str:
    """A date in one of many national formats."""
    year, month, day = (
        int(rng.integers(1950, 2031)),
        int(rng.integers(1, 13)),
        int(rng.integers(1, 29)),
    )
    if script != "latin":
        return _cjk_date(rng, script, year, month, day)
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


def amount(rng: np.random.Generator, magnitude: float | None = None, script: str = "latin") -> str:
    """A money amount in one of several currency styles: £1,245.80, 1 234,56 €, 389,90 zł
    (Korean: 1,245,800원; Japanese: ¥12,480 or 12,480円; Chinese: ¥1,245.80 or 1,245.80元)."""
    if script != "latin":
        return _cjk_amount(rng, magnitude, script)
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


def number_string(rng: np.random.Generator, kind: str | None = None, script: str = "latin") -> str:
    """A reference, phone number, account number, e-mail or similar typed form value."""
    kinds = ("ref", "phone", "account", "email", "plate", "digits")
    kind = kinds[int(rng.integers(len(kinds)))] if kind is None else kind
    if script != "latin" and kind in ("phone", "plate", "email"):
        return _cjk_number(rng, kind, script)

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


def field_value(rng: np.random.Generator, label: str, script: str = "latin") -> str:
    """A plausible value for a form field called ``label``."""
    if script != "latin":
        return value_of_kind(rng, pairs(script, "labels").get(label, "text"), script)
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


# --- Korean, Japanese and Chinese -------------------------------------------------------------


def value_of_kind(rng: np.random.Generator, kind: str, script: str) -> str:
    """A CJK form value of ``kind`` (see the [labels] of the CJK corpora)."""
    if kind == "name":
        return person(rng, script)
    if kind == "address":
        return " ".join(address(rng, script)[-2:])
    if kind == "date":
        return date(rng, script)
    if kind == "amount":
        return amount(rng, None, script)
    if kind == "city":
        return choice(rng, "cities", script)
    if kind in ("phone", "email", "account", "ref", "plate"):
        return number_string(rng, kind, script)
    return sentence(rng, script=script)[:14]


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(x)) for x in rng.integers(0, 10, n))


def _cjk_address(rng: np.random.Generator, script: str) -> list[str]:
    lines = [person(rng, script)]
    if rng.random() < 0.4:
        lines.append(choice(rng, "companies", script))
    city, street = choice(rng, "cities", script), choice(rng, "streets", script)
    number = int(rng.integers(1, 240))
    if script == "ko":
        return [
            *lines,
            f"{city} {street} {number}",
            f"({words(script)['postcode']} {_digits(rng, 5)})",
        ]
    if script == "ja":
        block = f"{int(rng.integers(1, 9))}-{number}-{int(rng.integers(1, 30))}"
        return [*lines, f"{city}{street}{block}", f"〒{_digits(rng, 3)}-{_digits(rng, 4)}"]
    return [*lines, f"{city}{street}{number}号", f"{words(script)['postcode']} {_digits(rng, 6)}"]


def _cjk_date(rng: np.random.Generator, script: str, year: int, month: int, day: int) -> str:
    style = int(rng.integers(3))
    if style == 1:
        return (
            f"{year}-{month:02d}-{day:02d}" if script != "ja" else f"{year}/{month:02d}/{day:02d}"
        )
    if style == 2 and script == "ko":
        return f"{year}. {month}. {day}."
    if style == 2 and script == "ja" and year >= 1926:
        era, first = (
            ("令和", 2019) if year >= 2019 else ("平成", 1989) if year >= 1989 else ("昭和", 1926)
        )
        return f"{era}{year - first + 1}年{month}月{day}日"
    if script == "ko":
        return f"{year}년 {month}월 {day}일"
    return f"{year}年{month}月{day}日"


def _cjk_amount(rng: np.random.Generator, magnitude: float | None, script: str) -> str:
    """Won and yen have no minor unit and run about 1000 times the Latin amounts."""
    top = 10 ** (
        (magnitude if magnitude is not None else rng.uniform(0.5, 5)) + (script != "zh") * 3
    )
    value = float(rng.uniform(0.5, 1.0) * top)
    style = int(rng.integers(2))
    if script == "zh":
        return f"¥{value:,.2f}" if style == 0 else f"{value:,.2f}元"
    whole = f"{int(value):,}"
    if script == "ja":
        return f"¥{whole}" if style == 0 else f"{whole}円"
    return f"{whole}원" if style == 0 else f"금 {whole}원정"


def _cjk_number(rng: np.random.Generator, kind: str, script: str) -> str:
    if kind == "email":  # romanised names vary too much: a plain ASCII login
        login = "".join(chr(97 + int(x)) for x in rng.integers(0, 26, int(rng.integers(4, 9))))
        return f"{login}{_digits(rng, 2)}@example.org"
    plate = _PLATE[script][int(rng.integers(len(_PLATE[script])))]
    if kind == "plate" and script == "ko":
        return f"{_digits(rng, 2)}{plate} {_digits(rng, 4)}"
    if kind == "plate" and script == "ja":
        return f"品川 {_digits(rng, 3)} {plate} {_digits(rng, 2)}-{_digits(rng, 2)}"
    if kind == "plate":
        return f"{plate}A·{_digits(rng, 5)}"
    mobile = rng.random() < 0.6
    if script == "ko":
        return (
            f"010-{_digits(rng, 4)}-{_digits(rng, 4)}"
            if mobile
            else f"02-{_digits(rng, 3)}-{_digits(rng, 4)}"
        )
    if script == "ja":
        return (
            f"090-{_digits(rng, 4)}-{_digits(rng, 4)}"
            if mobile
            else f"03-{_digits(rng, 4)}-{_digits(rng, 4)}"
        )
    return (
        f"1{_digits(rng, 2)} {_digits(rng, 4)} {_digits(rng, 4)}"
        if mobile
        else f"010-{_digits(rng, 8)}"
    )
