"""Checks of the translations: what a pack in another language would show in English, and translations
that change what must stay (citation keys, links, emphasis, numbers), each at its catalog's line."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import Problem
from .apply import SOURCE_LANGUAGE, catalog_path, translation, usable
from .texts import shown_texts

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from ..project import Project

LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|<((?:https?|mailto):[^>\s]+)>")
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")  # 7.5 and 7,5; 1,000 and 1 000 alike
STRONG = re.compile(r"\*\*|__")
EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)(?!\*)|(?<=\S)(?<!\*)\*(?![*\w])")  # a lone * that opens or closes


def check_translations(project: Project) -> Iterator[Problem]:
    """Run every translation check for each language a pack is in (but the content's own)."""
    packs = project.curriculum.packs.values()
    languages = sorted({p.language for p in packs} - {SOURCE_LANGUAGE})
    yield from _quotes_without_original(project)
    for language in languages:
        in_language = [p for p in packs if p.language == language]
        catalog = project.catalogs.get(language)
        if catalog is None:
            yield from _no_catalog(project, language, in_language)
            continue
        yield from translation(project, language).problems
        yield from _fallbacks(project, language, catalog, in_language)
        yield from structure_problems(catalog, catalog_path(project, language), set(project.curriculum.sources))


def _no_catalog(project: Project, language: str, packs) -> Iterator[Problem]:
    path = catalog_path(project, language)
    if (project.content_dir / "locale" / f"{language}.po").exists():
        return  # it exists but could not be read: said where
    for pack in packs:
        message = (
            f"language: no catalog {path}, so every text is shown in English; "
            f"run `emcon translate extract && emcon translate update {language}`"
        )
        yield project.problem("pack", pack.id, ("language",), message, "warning")


def _fallbacks(project: Project, language: str, catalog: Catalog, packs) -> Iterator[Problem]:
    """Warn once for every text a pack in the language shows in English, at the catalog's line (or the text's)."""
    messages = {m.context: m for m in catalog if m.id}
    path = catalog_path(project, language)
    seen: set[str] = set()
    for pack in packs:
        if not set(pack.modules) <= project.curriculum.modules.keys():
            continue  # a module that failed to load: said in its file
        for text in shown_texts(project, pack):
            message = messages.get(text.context)
            if text.context in seen or usable(message, text):
                continue
            seen.add(text.context)
            if message is None or message.id != text.text:
                yield Problem(
                    _shown(project, text.file),
                    text.line,
                    f"{text.context.split(':', 1)[1]}: not in {path} as it is now written, so it is shown in "
                    f"English; run `emcon translate extract && emcon translate update {language}`",
                    "warning",
                )
            else:
                state = "fuzzy (its English changed since it was translated)" if message.string else "untranslated"
                note = f"{text.context}: {state}, so it is shown in English in {pack.id}"
                yield Problem(path, message.lineno, note, "warning")


def structure_problems(catalog: Catalog, path: str, keys: set[str]) -> Iterator[Problem]:
    """Error for every translation whose citation keys, links, emphasis or numbers differ from its English."""

    def citations(text: str) -> list[str]:  # source ids cited in running text: `(kyiv-ap)`, `(a-2020; b-2021)`
        return [k for group in re.findall(r"\(([^()]*)\)", text) for k in re.split(r"\s*[;,]\s*", group) if k in keys]

    for message in catalog:
        if not message.id or not message.string or message.fuzzy or not isinstance(message.string, str):
            continue
        for what, find in (("citation keys", citations), ("links", _links), ("numbers", _numbers)):
            english, translated = find(message.id), find(message.string)
            if Counter(english) != Counter(translated):
                found = ", ".join(translated) or "none"
                expected = ", ".join(english) or "none"
                yield Problem(
                    path,
                    message.lineno,
                    f"{message.context}: the translation's {what} ({found}) differ from the English's ({expected}); "
                    "keep them as they are",
                )
        if _emphasis(message.id) != _emphasis(message.string):
            strong, light = _emphasis(message.id)
            yield Problem(
                path,
                message.lineno,
                f"{message.context}: the translation's Markdown emphasis differs from the English's "
                f"({strong} ** and {light} single *); keep the same words emphasized",
            )


def _links(text: str) -> list[str]:
    return [a or b for a, b in LINK.findall(text)]


def _numbers(text: str) -> list[str]:
    """Return the numbers written in text, as digits only (a decimal comma or point, thousands' spaces alike)."""
    return [re.sub(r"\D", "", n) for n in NUMBER.findall(text)]


def _emphasis(text: str) -> tuple[int, int]:
    return len(STRONG.findall(text)), len(EMPHASIS.findall(STRONG.sub("", text)))


def _quotes_without_original(project: Project) -> Iterator[Problem]:
    """A quote's `original` is set by the translation; one written in a module is a mistake."""
    for module in project.curriculum.modules.values():
        for i, quote in enumerate(module.quotes):
            if quote.original is not None:
                loc = ("quotes", i, "original")
                message = f"quotes[{i}].original: is set by the translation of a pack, not written; remove it"
                yield project.problem("module", module.id, loc, message)


def _shown(project: Project, relative: str) -> str:
    from ..project import shown_path

    return shown_path(project.root / relative)
