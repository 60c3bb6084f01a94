"""Every translatable text of the content: its context, its English, where it is written.

A context is `<file relative to content/>:<field path>`, the field path written as
validation errors write it (`modules/husarivka.yaml:quiz[3].choices[1].text`); a text
inside an SVG figure is `figures/signal-spot.svg:text[3]` (elements in document order).
Ids, answers, references, minutes and audiences are structure, never text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..loader import Loc, loc_text
from ..model import Module, Pack

if TYPE_CHECKING:
    from ..project import Project

# Keys whose text is structure: names, references, settings. Everything else a reader sees is translated.
NOT_TEXT = frozenset(
    "id source sources objective objectives shows method bloom audiences audience file modules language "
    "page_size type risk_level url glossary fields date version".split()
)
CHOICE_TYPES = ("single", "multiple")  # their `answer` is letters
SOURCE_TEXTS = ("reliability",)  # a source's title, publisher and authors stay as published
SVG_ELEMENTS = ("title", "desc", "text", "tspan")  # the words inside a figure: its name, description and labels

COMMENTS = {
    "heading": "heading and slide title: keep it short (about 6 words)",
    "title": "title (a heading, often a slide title): keep it short",
    "subtitle": "subtitle on the cover and the title slide",
    "summary": "summary of the lesson, read before it",
    "body": "running text (Markdown): keep **emphasis**, lists and links as they are",
    "say": "instructor script: what the instructor says and does",
    "ask": "instructor script: the question put to the class",
    "listen_for": "instructor script: the answer to draw out",
    "prompt": "quiz question",
    "explanation": "quiz: why the answer is right (answer key, self-check feedback)",
    "good_answer": "instructor note: what a good answer contains",
    "watch_for": "instructor note: misconceptions to watch for",
    "caption": "figure caption, printed under the figure",
    "alt": "figure description for a reader who cannot see it: describe, do not shorten",
    "speaker": "who is quoted: a person's name stays a name (transliterated), a title or body is translated",
    "role": "the quoted person's role",
    "context": "when and where the quote was said",
    "criterion": "exercise rubric: what is judged",
    "go": "exercise rubric: what earns a GO",
    "no_go": "exercise rubric: what earns a NO-GO",
    "term": "glossary term, as learners should learn it",
    "expansion": "what the abbreviation stands for",
    "definition": "glossary definition",
    "reliability": "how far the source can be trusted (instructor guide)",
    "action": "learning objective, its action: starts with a verb",
    "condition": "learning objective, its condition",
    "standard": "learning objective, its standard",
    "scenario": "exercise: the situation learners are given",
    "task": "exercise: what learners do and hand in",
    "expected": "instructor: what a GO answer contains",
    "key_points": "key point of the lesson: one short sentence",
    "do": "rule (do): one short instruction",
    "dont": "rule (don't): one short instruction",
    "lessons": "lesson drawn from the case: one short sentence",
    "sequence": "quiz (ordering): one step of a sequence; keep the steps about as long as each other",
    "left": "quiz (matching): an item on the left",
    "right": "quiz (matching): its match on the right",
    "question": "discussion question put to the class",
}
QUOTE = "verbatim quote ({speaker}): translate faithfully; the original is printed beside it"
CHOICE = "quiz choice: keep it as short as the others"
SHORT_ANSWER = "quiz (short answer): an accepted answer; a learner's answer is compared with it"
CARD = "pocket card line: at most 90 characters, fewer is better"
SVG = "text inside the figure: keep it as short as the English, it must fit the drawing"
SVG_DESC = "the figure's name or description for a reader who cannot see it"


@dataclass(frozen=True)
class Text:
    """One translatable text: a catalog entry's context, English, comment and where it is written."""

    context: str
    text: str
    file: str  # relative to the project, e.g. content/modules/husarivka.yaml
    line: int
    comment: str = ""
    loc: Loc = field(default=(), compare=False)  # inside its record (or figure): where a translation goes


def content_texts(project: Project) -> list[Text]:
    """Return every translatable text of the content: modules, packs, glossary, sources, SVG figures."""
    cur = project.curriculum
    texts = [t for m in sorted(cur.modules) for t in module_texts(project, cur.modules[m])]
    texts += [t for p in sorted(cur.packs) if not cur.packs[p].translates for t in pack_texts(project, cur.packs[p])]
    texts += [t for g in cur.glossary for t in record_texts(project, "term", g, cur.glossary[g])]
    texts += [t for s in cur.sources for t in record_texts(project, "source", s, cur.sources[s], SOURCE_TEXTS)]
    texts += [t for path in figure_files(project) for t in svg_texts(project, path)]
    return _in_file_order(texts)


def shown_texts(project: Project, pack: Pack) -> list[Text]:
    """Return the texts a pack shows: its own, its modules' as its audience reads them, their terms and figures."""
    cur = project.curriculum
    modules = [cur.modules[m] for m in pack.modules if m in cur.modules]
    texts = pack_texts(project, pack)
    texts += [t for m in modules for t in module_texts(project, m, pack.audience)]
    used = {g for m in modules for g in m.glossary}
    texts += [t for g in cur.glossary if g in used for t in record_texts(project, "term", g, cur.glossary[g])]
    cited = set().union(*(m.cited_sources() for m in modules))
    texts += [
        t for s in cur.sources if s in cited for t in record_texts(project, "source", s, cur.sources[s], SOURCE_TEXTS)
    ]
    figures = {s.figure.file for m in modules for s in m.for_audience(pack.audience).sections if s.figure}
    shown = [path for path in figure_files(project) if _content_name(project, path) in figures]
    texts += [t for path in shown for t in svg_texts(project, path)]
    return texts


def module_texts(project: Project, module: Module, audience: str | None = None) -> list[Text]:
    """Return a module's texts; with an audience, only those a pack for it shows."""
    data = module.model_dump(exclude_unset=True)
    variant = data.get("per_audience", {}).get(audience, {}) if audience else {}
    if audience:  # what the audience reads instead: its own variant, not the module's text nor other audiences'
        data = {k: v for k, v in data.items() if k not in variant and k != "per_audience"}
        data["per_audience"] = {audience: variant} if variant else {}
    return _record(project, "module", module.id, data, audience)


def pack_texts(project: Project, pack: Pack) -> list[Text]:
    """Return a pack's texts; a pack that translates another has those of the other that it takes unchanged."""
    base = project.curriculum.packs.get(pack.translates or "")
    if base is None:
        return _record(project, "pack", pack.id, pack.model_dump(exclude_unset=True))
    own = pack.model_dump()
    return [t for t in pack_texts(project, base) if _at(own, t.loc) == t.text]


def _at(data: Any, loc: Loc) -> Any:
    """Return the value at loc inside dumped data, or None if there is none."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def record_texts(project: Project, kind: str, ident: str, record, only: tuple[str, ...] = ()) -> list[Text]:
    """Return the texts of a glossary term or a source (only the keys in `only`, if given)."""
    data = record.model_dump(exclude_unset=True)
    if only:
        data = {k: v for k, v in data.items() if k in only}
    return _record(project, kind, ident, data)


def _record(project: Project, kind: str, ident: str, data: dict, audience: str | None = None) -> list[Text]:
    if (kind, ident) not in project.origins:
        return []  # a record made in code, not read from a file: no catalog entry can name it
    doc, base = project.origins[(kind, ident)]
    file = _relative(project, doc.path)
    name = file.removeprefix("content/")
    return [
        Text(f"{name}:{loc_text(base + loc)}", text, file, doc.line(base + loc), comment, loc)
        for loc, text, comment in _walk(data, (), "", audience)
    ]


def _walk(value: Any, loc: Loc, comment: str, audience: str | None) -> Iterator[tuple[Loc, str, str]]:
    """Yield (location, text, comment) for every translatable text inside dumped data."""
    if isinstance(value, str):
        yield loc, value, comment
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, loc + (i,), comment, audience)
    elif isinstance(value, dict):
        only = value.get("audiences") or []
        if audience and only and audience not in only:
            return  # a part this audience does not see
        for key, inner in value.items():
            if (key in NOT_TEXT and not _records(inner)) or (key == "answer" and value.get("type") in CHOICE_TYPES):
                continue  # structure; but a module's `objectives` are records with text in them
            yield from _walk(inner, loc + (key,), _comment(loc + (key,), value, only), audience)


def _records(value: Any) -> bool:
    """Tell whether value is a record or a list of records (rather than names or settings)."""
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value))


def _comment(loc: Loc, record: dict, only: list[str]) -> str:
    """Return the translator's comment for the text at loc in record."""
    key, parents = loc[-1], [p for p in loc if isinstance(p, str)]
    if parents[:1] == ["quotes"] and key == "text":
        comment = QUOTE.format(speaker=record.get("speaker", "?"))
    elif "choices" in parents:
        comment = CHOICE
    elif key == "answer":
        comment = SHORT_ANSWER
    elif parents[:1] == ["card"]:
        comment = CARD
    elif parents[0] == "per_audience" and len(parents) > 1:
        comment = f"what the {parents[1]} audience reads instead: " + COMMENTS.get(key, key)
    else:
        comment = COMMENTS.get(key, "")
    if only:
        comment += f" (shown only to: {', '.join(only)})"
    return comment.strip()


def figure_files(project: Project) -> list[Path]:
    """Return the SVG figures under content/, sorted."""
    folder = project.content_dir / "figures"
    return sorted(folder.rglob("*.svg")) if folder.is_dir() else []


def svg_texts(project: Project, path: Path) -> list[Text]:
    """Return the words inside an SVG figure: title, desc, text and tspan elements, each numbered in document order."""
    from lxml import etree

    from ..loader import Refused, confined

    try:
        target = confined(project.content_dir, _content_name(project, path), "figure file")
        tree = etree.parse(str(target), etree.XMLParser(resolve_entities=False, no_network=True))
    except (Refused, etree.XMLSyntaxError):
        return []  # check reports a figure that cannot be read
    name = _content_name(project, path)
    file = f"content/{name}"
    counts = dict.fromkeys(SVG_ELEMENTS, 0)
    texts = []
    for element in tree.iter(*(f"{{http://www.w3.org/2000/svg}}{tag}" for tag in SVG_ELEMENTS)):
        tag = etree.QName(element).localname
        index, counts[tag] = counts[tag], counts[tag] + 1
        if element.text and element.text.strip():
            comment = SVG if tag in ("text", "tspan") else SVG_DESC
            line = element.sourceline or 1
            texts.append(Text(f"{name}:{tag}[{index}]", element.text, file, line, comment, (tag, index)))
    return texts


def _content_name(project: Project, path: Path) -> str:
    """Return a path under content/ as content names it: figures/signal-spot.svg."""
    return path.relative_to(project.content_dir).as_posix()


def _relative(project: Project, shown: str) -> str:
    """Return a file's path relative to the project, whatever folder the command runs in."""
    return Path(shown).resolve().relative_to(project.root).as_posix()


def _in_file_order(texts: list[Text]) -> list[Text]:
    """Return texts file by file (as extracted), each file's in the order they are written."""
    files = {file: n for n, file in enumerate(dict.fromkeys(t.file for t in texts))}
    return sorted(texts, key=lambda t: (files[t.file], t.line))
