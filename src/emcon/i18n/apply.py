"""The translation stage, between validation and rendering: the Curriculum with its texts in another language.

Only texts are taken from a catalog; ids, answers, references, minutes and audiences
stay as the modules say. A text whose entry is missing, empty, fuzzy or made for other
English stays English and is counted, so that nothing falls back silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..model import Curriculum
from .texts import SVG_ELEMENTS, Text, figure_files, module_texts, pack_texts, record_texts, svg_texts

SVG = "http://www.w3.org/2000/svg"

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

    from ..project import Project

SOURCE_LANGUAGE = "en"  # the language the content is written in


@dataclass
class Translation:
    """A curriculum in one language, and what of it is still English."""

    language: str
    curriculum: Curriculum
    reviewed_by: str | None = None  # None: no catalog; "": not yet reviewed by a native-speaking trainer
    fallbacks: set[str] = field(default_factory=set)  # contexts shown in English
    figures: dict[str, bytes] = field(default_factory=dict)  # figures/x.svg -> the SVG with its words translated
    problems: list[Problem] = field(default_factory=list)  # translations the model refuses (too long, ...)


def translation(project: Project, language: str) -> Translation:
    """Return the project's curriculum in a language, made once per language."""
    cache = project.translations
    if language not in cache:
        catalog = project.catalogs.get(language)
        cache[language] = translate(project, language, catalog)
    return cache[language]


def translate(project: Project, language: str, catalog: Catalog | None) -> Translation:
    """Return a copy of the curriculum with every text that the catalog translates replaced by its translation."""
    cur = project.curriculum
    if language == SOURCE_LANGUAGE:
        return Translation(language, cur)
    result = Translation(language, cur, getattr(catalog, "reviewed_by", None))
    messages = {m.context: m for m in catalog if m.id} if catalog is not None else {}
    shown = catalog_path(project, language)

    def each(records: dict, texts) -> dict:
        return {ident: _translated(record, texts(record), messages, result, shown) for ident, record in records.items()}

    result.curriculum = Curriculum(
        modules=each(cur.modules, lambda m: module_texts(project, m)),
        packs=each(cur.packs, lambda p: pack_texts(project, p)),
        sources=each(cur.sources, lambda s: record_texts(project, "source", s.id, s, ("reliability",))),
        glossary=each(cur.glossary, lambda g: record_texts(project, "term", g.id, g)),
    )
    for path in figure_files(project):
        _translate_svg(project, path, messages, result)
    return result


def _translate_svg(project: Project, path, messages: dict, result: Translation) -> None:
    """Keep the figure with its words translated, if any is (the rest stay English and are counted)."""
    from lxml import etree

    texts = svg_texts(project, path)
    done = {t.loc: messages[t.context].string for t in texts if usable(messages.get(t.context), t)}
    result.fallbacks |= {t.context for t in texts if t.loc not in done}
    if not done:
        return
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))  # read by svg_texts
    counts: dict[str, int] = {}
    for element in tree.iter(*(f"{{{SVG}}}{tag}" for tag in SVG_ELEMENTS)):
        tag = etree.QName(element).localname
        index = counts[tag] = counts.get(tag, -1) + 1
        if (tag, index) in done:
            element.text = done[(tag, index)]
    name = path.relative_to(project.content_dir).as_posix()
    result.figures[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def english_left(project: Project, pack_id: str) -> int:
    """Return how many of the texts a pack shows are left in English (0 for a pack in the content's language)."""
    from .texts import shown_texts

    pack = project.curriculum.packs[pack_id]
    if pack.language == SOURCE_LANGUAGE:
        return 0
    fallbacks = translation(project, pack.language).fallbacks
    return sum(t.context in fallbacks for t in {t.context: t for t in shown_texts(project, pack)}.values())


def fallback_notes(project: Project, pack_ids: list[str]) -> list[Problem]:
    """Return a warning at its `language` for each pack in another language that shows texts in English."""
    notes = []
    for pack_id in pack_ids:
        count = english_left(project, pack_id)
        if count:
            language = project.curriculum.packs[pack_id].language
            message = (
                f"language: {count} text{'s' if count != 1 else ''} shown in English, untranslated or fuzzy "
                f"in {catalog_path(project, language)} (`emcon check` lists them)"
            )
            notes.append(project.problem("pack", pack_id, ("language",), message, "warning"))
    return notes


def usable(message: Message | None, text: Text) -> bool:
    """Tell whether an entry translates this very English text (not missing, empty, fuzzy or stale)."""
    return message is not None and bool(message.string) and not message.fuzzy and message.id == text.text


def _translated(record: BaseModel, texts: list[Text], messages: dict, result: Translation, shown: str) -> BaseModel:
    data = record.model_dump()
    english = record.model_dump()
    for text in texts:
        message = messages.get(text.context)
        if not usable(message, text):
            result.fallbacks.add(text.context)
            continue
        _put(data, text.loc, message.string)
        if text.loc[:1] == ("quotes",) and text.loc[-1] == "text":
            data["quotes"][text.loc[1]]["original"] = text.text  # the quote as in its source, shown beside it
    try:
        return type(record).model_validate(data)
    except ValidationError as exc:  # e.g. a card line longer than a card holds: English, and said where
        by_loc = {t.loc: t for t in texts}
        for error in exc.errors(include_url=False):
            loc = _keys(english, error["loc"])
            text = by_loc.get(loc)
            if text is None:
                raise
            result.fallbacks.add(text.context)
            _put(data, loc, _get(english, loc))
            line = messages[text.context].lineno
            message = f"{text.context}: the translation {_refusal(error)}; the English is used"
            result.problems.append(Problem(shown, line, message))
        return type(record).model_validate(data)


def _keys(data: Any, loc: tuple) -> tuple:
    """Return the parts of pydantic's loc that lead through data (not the union tags it inserts)."""
    parts = []
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            continue
        parts.append(part)
    return tuple(parts)


def _refusal(error: dict) -> str:
    from ..validate import describe

    return describe(error)


def _get(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


def _put(data: Any, loc: tuple, value: str) -> None:
    _get(data, loc[:-1])[loc[-1]] = value


def catalog_path(project: Project, language: str) -> str:
    """Return a language's catalog as the user sees its path."""
    from ..project import shown_path

    return shown_path(project.content_dir / "locale" / f"{language}.po")
