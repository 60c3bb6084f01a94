"""How a pack's language writes what the renderers print: choice and form letters, dates, numbers, quotation marks.

The model and the grader keep the letters a, b, c and the forms A, B; only what a
reader sees changes. English keeps ISO dates and a, b, c; Ukrainian writes
"30 листопада 2026 р.", letters А Б В Г Д (the convention of Ukrainian tests) and
«лапки». Babel is imported where it is used: a rebuild with nothing changed must start fast.
"""

from __future__ import annotations

import datetime
import re

# Ukrainian tests letter their choices А Б В Г Д ...; Ґ, Є, Ї, Й and Ь are skipped as look-alikes or unusual.
CYRILLIC_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЮЯ"
CHOICE_LETTERS = {"uk": CYRILLIC_LETTERS}
FORM_LETTERS = {"uk": CYRILLIC_LETTERS}
# Quotation marks by language: outer pair, inner pair. A language not named keeps its text as written.
QUOTES = {"uk": (("«", "»"), ("„", "“"))}
# The apostrophe inside a word, by language: Ukrainian writes ʼ (U+02BC, a letter), as TERMS-uk.md decides.
APOSTROPHES = {"uk": ("ʼ", re.compile(r"(?<=[а-яіїєґА-ЯІЇЄҐ])['’](?=[а-яіїєґА-ЯІЇЄҐ])"))}


def base_language(language: str) -> str:
    """Return the language of a pack's code without its region: uk-UA -> uk."""
    return language.split("-")[0]


def counted(n: int, nouns: dict | str, language: str) -> str:
    """Return n with its noun in the form the language's plural rules ask for: "1 module", "5 модулів".

    nouns maps CLDR plural categories (one, few, many, other) to words; a single word is used for any n.
    """
    if isinstance(nouns, str):
        return f"{n} {nouns}"
    from babel import Locale

    category = Locale.parse(base_language(language)).plural_form(n)
    return f"{n} {nouns.get(category, nouns['other'])}"


def choice_letter(letter: str, language: str) -> str:
    """Return how a reader of the language sees the choice the model letters a, b, c."""
    shown = CHOICE_LETTERS.get(base_language(language))
    index = ord(letter) - ord("a")
    return shown[index] if shown and 0 <= index < len(shown) and len(letter) == 1 else letter


def form_letter(letter: str, language: str) -> str:
    """Return how a reader of the language sees quiz form A, B, C (files and the grader keep A, B, C)."""
    shown = FORM_LETTERS.get(base_language(language))
    index = ord(letter) - ord("A")
    return shown[index] if shown and 0 <= index < len(shown) and len(letter) == 1 else letter


def long_date(day: datetime.date, language: str) -> str:
    """Return a date as the language writes it: 2026-11-30 in English, 30 листопада 2026 р. in Ukrainian."""
    if base_language(language) == "en":
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, "long", locale=language.replace("-", "_"))


def number(value: int | float, language: str) -> str:
    """Return a number as the language writes it: 1,500.5 in English, 1 500,5 in Ukrainian."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=language.replace("-", "_"))


def percent(value: int | float, language: str) -> str:
    """Return a whole percentage, 80, as the language writes it: 80%."""
    from babel.numbers import format_percent

    return format_percent(value / 100, locale=language.replace("-", "_"))


UNITS = {"uk": ("Б", "кБ", "МБ")}  # file sizes; English: B, kB, MB


def file_size(size: int | None, language: str) -> str:
    """Return a file size as a reader of the language says it: 940 B, 86 kB, 1.4 MB; 1,4 МБ in Ukrainian."""
    if size is None:
        return "—"  # a file that could not be read
    b, kb, mb = UNITS.get(base_language(language), ("B", "kB", "MB"))
    if size < 1000:
        return f"{size} {b}"
    if size < 1_000_000:
        return f"{round(size / 1000)} {kb}"
    if base_language(language) == "en":
        return f"{size / 1_000_000:.1f} {mb}"
    return f"{number(round(size / 1_000_000, 1), language)} {mb}"


# A double quotation mark as authors and translators type it: straight, curly, low or a guillemet.
QUOTE_MARK = re.compile(r"[\"“”„«»]")
OPENS_AFTER = " \t\n([{*_—–/-"  # an ambiguous mark after one of these (or at the start) opens a quote


def quotation_marks(text: str, language: str) -> str:
    """Return text with its double quotation marks in the language's own pairs, nested ones inner: «… „…“ …».

    A language with no pairs of its own keeps the text as written. A mark with no partner is left as it was.
    """
    pairs = QUOTES.get(base_language(language))
    if not pairs or not QUOTE_MARK.search(text):
        return text
    out = list(text)
    stack: list[int] = []  # positions of the open quotes
    for match in QUOTE_MARK.finditer(text):
        mark, i = match.group(), match.start()
        after_space = i == 0 or text[i - 1] in OPENS_AFTER
        opening = mark in "«„" or (mark in '"“' and after_space)
        if mark == "“" and stack and not after_space:
            opening = False  # „…“: a low-high pair closes with the high mark
        if opening and len(stack) < 2:
            stack.append(i)
        elif not opening and stack:
            start = stack.pop()
            left, right = pairs[len(stack)]
            out[start], out[i] = left, right
    return "".join(out)


def apostrophes(text: str, language: str) -> str:
    """Return text with the language's own apostrophe inside its words: зв'язок -> звʼязок in Ukrainian."""
    own = APOSTROPHES.get(base_language(language))
    return own[1].sub(own[0], text) if own else text


def typeset(record, language: str, keep: frozenset[str] = frozenset({"original"})):
    """Return a model record with the language's quotation marks and apostrophes in every text (keep: untouched).

    A translated quote's English `original` keeps its marks: it is printed as the source has it.
    """
    if base_language(language) not in QUOTES | APOSTROPHES:
        return record

    def clean(value):
        if isinstance(value, str):
            return apostrophes(quotation_marks(value, language), language)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: v if k in keep else clean(v) for k, v in value.items()}
        return value

    return type(record).model_validate(clean(record.model_dump()))
