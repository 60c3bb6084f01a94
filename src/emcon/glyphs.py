"""Glyph coverage: every character of the content must have a glyph in a shipped font.

A character no shipped font covers is drawn by WeasyPrint from whatever font the
machine has (DejaVu, often), or as a box: a PDF that differs from machine to
machine. Arabic, Hebrew or CJK text needs a font that covers it; until one is
shipped, such text is an error at its file and line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".otf")
# Characters that are never drawn from a font: line ends, spaces WeasyPrint lays out itself, joiners.
NOT_DRAWN = frozenset("\t\n\r\u00ad\u200b\u200c\u200d\u2060\ufeff")


def font_files(folders: list[Path]) -> tuple[Path, ...]:
    """Return the font files in the fonts/ folder of each theme folder."""
    found = []
    for folder in folders:
        fonts = folder / "fonts"
        if fonts.is_dir():
            found += sorted(p for p in fonts.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
    return tuple(found)


def covered(fonts: tuple[Path, ...]) -> frozenset[int]:
    """Return the code points that some font among fonts has a glyph for."""
    return _covered(tuple((p, p.stat().st_mtime_ns) for p in fonts))


@lru_cache(maxsize=4)
def _covered(fonts: tuple[tuple[Path, int], ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path, _ in fonts:
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def missing_glyphs(text: str, cover: frozenset[int]) -> list[str]:
    """Return the characters of text (each once, in order) that no shipped font draws."""
    return list(dict.fromkeys(c for c in text if ord(c) not in cover and c not in NOT_DRAWN))


def describe(chars: list[str]) -> str:
    """Return characters as the author can find them: 'ع' (U+0639 ARABIC LETTER AIN)."""
    shown = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in chars[:3]]
    more = f" and {len(chars) - 3} more" if len(chars) > 3 else ""
    return ", ".join(shown) + more
