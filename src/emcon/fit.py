"""Fit a line of text into a box of known width: the running title in a page footer.

WeasyPrint wraps a margin box's text that is too long, and a wrapped footer runs
into the marking beside it. Measuring the text with the font's own advance widths
tells how much of it fits; the rest is cut at a word and marked with an ellipsis.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

MM_PER_PT = 25.4 / 72
ELLIPSIS = "…"


@lru_cache(maxsize=4)
def _advances(font: Path) -> tuple[dict[int, int], int]:
    """Return the advance width of each character of a font, in font units, and its units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(font) as tt:
        metrics, cmap, units = tt["hmtx"].metrics, tt.getBestCmap(), tt["head"].unitsPerEm
        return {code: metrics[glyph][0] for code, glyph in cmap.items()}, units


def width_mm(text: str, size_pt: float, font: Path | None = None) -> float:
    """Return the width of text set in the font at size_pt, in millimetres."""
    from .theme import default_theme_dir

    advances, units = _advances(font or default_theme_dir() / "fonts" / "NotoSans-Regular.ttf")
    fallback = advances.get(ord("M"), units)  # a character the font lacks: count it wide
    return sum(advances.get(ord(c), fallback) for c in text) / units * size_pt * MM_PER_PT


def fit_line(text: str, box_mm: float, size_pt: float, font: Path | None = None) -> str:
    """Return text, or as many of its words as fit box_mm with an ellipsis, so that it stays on one line."""
    text = " ".join(Markup(text).unescape().split()) if isinstance(text, Markup) else " ".join(str(text).split())
    room = box_mm * 0.97  # a little slack for kerning and rounding
    if width_mm(text, size_pt, font) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1 and width_mm(" ".join(words) + ELLIPSIS, size_pt, font) > room:
        words.pop()
    line = " ".join(words).rstrip(",;:·-—")
    while line and width_mm(line + ELLIPSIS, size_pt, font) > room:  # one long word: cut letters
        line = line[:-1]
    return line + ELLIPSIS
