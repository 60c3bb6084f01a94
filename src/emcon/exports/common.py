"""What the LMS exports share: text conversion, scoring shares, names, reproducible zips."""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction
from functools import lru_cache

from lxml import etree
from markupsafe import escape

from ..markdown import plain_text, render_block, render_inline
from ..model import Module, Pack

# Moodle accepts only these answer fractions (question_bank::fraction_options_full), within 1e-5.
MOODLE_FRACTIONS = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # xml:lang, the language of an element's text
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed, so the same content gives the same bytes


def html_block(text: str) -> str:
    """Return Markdown text as an HTML fragment: the one safe path for every HTML field of every export."""
    return str(render_block(text)).strip()


def html_inline(text: str) -> str:
    """Return one line of Markdown as inline HTML."""
    return str(render_inline(text))


def share(count: int) -> float:
    """Return the Moodle fraction nearest to 1/count: each of count parts earns this much."""
    return min(MOODLE_FRACTIONS, key=lambda f: abs(f - 1 / count))


@lru_cache(maxsize=32)
def full_shares(count: int) -> tuple[float, ...]:
    """Return count Moodle fractions, as even as the list allows, that add up to exactly 1.

    Moodle accepts only its own fractions, and 3 x 0.3333333 is not 1: three right choices
    earn 0.4, 0.3 and 0.3, so that marking all of them is exactly full marks. Two values
    always suffice up to 20 parts; beyond that (0.05 is the smallest) none adds up, and the
    nearest even share is used.
    """
    exact = {f: Fraction(str(f)) for f in MOODLE_FRACTIONS}
    found = [
        (exact[high] - exact[low], (high,) * many + (low,) * (count - many))
        for high in MOODLE_FRACTIONS
        for low in MOODLE_FRACTIONS
        if low <= high
        for many in range(1, count + 1)
        if many * exact[high] + (count - many) * exact[low] == 1
    ]
    return min(found, key=lambda f: f[0])[1] if found else (share(count),) * count


def choice_percents(item) -> list[str]:
    """Return each choice's Moodle fraction in percent: the right ones add up to exactly 100."""
    correct = item.correct
    rights, wrong = iter(full_shares(len(correct))), share(max(1, len(item.choices) - len(correct)))
    return [percent(next(rights)) if letter in correct else "-" + percent(wrong) for letter, _ in item.lettered]


def percent(fraction: float) -> str:
    """Return a fraction as a percentage without trailing zeros: 0.3333333 -> 33.33333."""
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def feedback_html(item, sources: dict, label: str) -> str:
    """Return the explanation and its source (after label) as HTML, shown after an answer."""
    source = sources.get(item.source)
    parts = [html_block(item.explanation)] if item.explanation else []
    if source is not None:
        parts.append(f"<p>{escape(label)}: {escape(source.title)}</p>")
    return "\n".join(parts)


def category_names(pack: Pack, module: Module | None = None) -> list[str]:
    """Return the category path of a pack (and module) as names."""
    return [pack.title] + ([module.title] if module else [])


def moodle_category(pack: Pack, module: Module | None = None) -> str:
    """Return a Moodle category path; a slash inside a name is written twice, as Moodle reads it."""
    return "$course$/top/" + "/".join(n.replace("/", "//") for n in category_names(pack, module))


def question_name(item) -> str:
    """Return the name an LMS lists an item by: its id and the start of its prompt."""
    prompt = plain_text(item.prompt)
    short = prompt if len(prompt) <= 70 else prompt[:70].rsplit(" ", 1)[0] + "…"
    return f"{item.id}: {short}"


def xml_bytes(root: etree._Element) -> bytes:
    """Return an XML document as indented UTF-8 bytes with a declaration."""
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def reproducible_zip(files: dict[str, bytes]) -> bytes:
    """Return a zip of files in name order with fixed dates, so it is the same bytes every time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
