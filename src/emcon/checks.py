"""Stage 2b: checks across records (references, timings, assessment, quotes).

Each check takes the project and yields Problems; check_project runs them all.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import markdown
from .errors import Problem, count
from .i18n.checks import check_translations
from .lint import lint_project, texts_in
from .loader import Refused, confined, loc_text, not_utf8
from .model import NO_COPY, ChoiceItem, Matching, Module, MultipleResponse, Ordering, letters, pack_timing
from .settings import local_text
from .verbatim import difference, fold_whitespace

if TYPE_CHECKING:
    from .project import Project


def check_project(project: Project, sources_dir: Path | None = None) -> list[Problem]:
    """Run every cross-record check; return the problems found.

    Checks of one record at a time also look at the records saved from files that failed
    validation (project.readable), so an author sees every problem in one run; checks that
    add up several records (timings, coverage, what is used nowhere) look only at records
    that passed, or stay silent when a failed record could change their answer.
    """
    readable = project.readable
    problems: list[Problem] = []
    for check in (
        check_reserved_ids,
        check_references,
        check_quiz_items,
        check_links,
        check_languages,
        check_glyphs,
        check_usage,
    ):
        problems += check(readable)
    for check in (
        check_audiences,
        check_settings_languages,
        check_timings,
        check_assessment,
        check_cards,
        check_translations,
    ):
        problems += check(project)
    if sources_dir is not None:
        problems += check_quotes(readable, sources_dir)
    problems += lint_project(project)
    return problems


def _unknown(kind: str, ident: str, known) -> str:
    close = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{kind} '{ident}' is not defined{hint}"


# A module becomes site/<id>.html beside site/index.html and site/assets/; a pack becomes build/<id>/
# beside build/index.html: these ids would overwrite another output or be overwritten by it.
RESERVED_IDS = frozenset({"index", "assets", "site"})


def check_reserved_ids(project: Project) -> Iterator[Problem]:
    """No module or pack takes a name the outputs use."""
    cur = project.curriculum
    for kind, records in (("module", cur.modules), ("pack", cur.packs)):
        for ident in sorted(records.keys() & RESERVED_IDS):
            message = f"id: '{ident}' is a name the built site uses for its own files; rename the {kind} and its file"
            yield project.problem(kind, ident, ("id",), message)


def check_references(project: Project) -> Iterator[Problem]:
    """Every id a record names must exist (or be defined by a record that failed, which says so itself)."""
    cur = project.curriculum
    for pack in cur.packs.values():
        for i, ident in enumerate(pack.modules):
            if ident in pack.modules[:i]:
                twice = f"modules[{i}]: module '{ident}' is listed twice"
                yield project.problem("pack", pack.id, ("modules", i), twice)
            elif ident not in cur.modules and ident not in project.broken:
                yield project.problem(
                    "pack", pack.id, ("modules", i), f"modules[{i}]: " + _unknown("module", ident, cur.modules)
                )
    for module in cur.modules.values():
        yield from _module_references(project, module)


def check_audiences(project: Project) -> Iterator[Problem]:
    """Every audience and quiz-form field a pack or module names is one emcon.yaml declares (if it declares any)."""
    settings = project.settings
    declared = ", ".join(settings.audiences)
    fields = ", ".join(settings.quiz_fields)
    for pack in project.curriculum.packs.values():
        if declared and pack.audience not in settings.audiences:
            yield project.problem("pack", pack.id, ("audience",), "audience: " + _undeclared(pack.audience, declared))
        for i, ident in enumerate(pack.quiz.fields if fields else []):
            if ident not in settings.quiz_fields:
                loc = ("quiz", "fields", i)
                yield project.problem(
                    "pack", pack.id, loc, f"{loc_text(loc)}: " + _undeclared(ident, fields, "quiz_fields")
                )
    if not declared:
        return
    for module in project.curriculum.modules.values():
        for loc, ident in _audience_ids(module.model_dump(), ()):
            if ident not in settings.audiences:
                yield project.problem("module", module.id, loc, f"{loc_text(loc)}: " + _undeclared(ident, declared))


def check_settings_languages(project: Project) -> Iterator[Problem]:
    """Warn where emcon.yaml gives a text by language but not in the language of a pack that prints it."""
    doc, settings = project.settings_doc, project.settings
    if doc is None:
        return
    warned: set[tuple] = set()
    for pack in sorted(project.curriculum.packs.values(), key=lambda p: p.id):
        shown = [(("audiences", pack.audience), settings.audiences.get(pack.audience))]
        shown += [(("organisation",), settings.organisation)]
        marks = [(key, getattr(settings.markings, key)) for key in ("classification", "distribution")]
        # a pack's own marking is its own business; only the ones it takes from emcon.yaml count
        shown += [(("markings", k), v) for k, v in marks if getattr(pack, k) == local_text(v, pack.language)]
        shown += [(("quiz_fields", f), settings.quiz_fields.get(f)) for f in pack.quiz.fields or []]
        for loc, value in shown:
            if isinstance(value, dict) and not {pack.language, pack.language.split("-")[0]} & value.keys():
                if (loc, pack.language) not in warned:
                    warned.add((loc, pack.language))
                    fallback = "English" if "en" in value else f"'{next(iter(value))}' text"
                    message = (
                        f"{loc_text(loc)}: no '{pack.language}' text for pack '{pack.id}'; its {fallback} is printed"
                    )
                    yield doc.problem(loc, message, "warning")


def _undeclared(ident: str, declared: str, key: str = "audiences") -> str:
    close = difflib.get_close_matches(ident, declared.split(", "), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"'{ident}' is not declared in emcon.yaml's {key} (declared: {declared}){hint}"


def _audience_ids(data, loc: tuple) -> Iterator[tuple[tuple, str]]:
    """Yield (loc, id) of every audience a module names: `audience`, parts' `audiences`, `per_audience` keys."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("audience", "audiences") and isinstance(value, list):
                yield from (((*loc, key, i), ident) for i, ident in enumerate(value))
            elif key == "per_audience" and isinstance(value, dict):
                yield from (((*loc, key, ident), ident) for ident in value)
            else:
                yield from _audience_ids(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _audience_ids(value, (*loc, i))


def _shown_parts(project: Project, module: Module) -> Iterator[Problem]:
    """A step's `shows` names parts the module has, by their place in the module as written."""
    damaged = project.damaged.get(("module", module.id), frozenset())
    for i, step in enumerate(module.steps):
        for j, ref in enumerate(step.shows):
            name, _, index = ref.partition("[")
            if not index or name in damaged:  # parts left out of a salvaged module: places unknown
                continue
            count = len(getattr(module, name))
            if int(index.rstrip("]")) >= count:
                have = f"{name}[0] to {name}[{count - 1}]" if count else f"no {name}"
                loc = ("steps", i, "shows", j)
                yield project.problem(
                    "module", module.id, loc, f"{loc_text(loc)}: '{ref}' is not a part of this module; it has {have}"
                )


def _objective_ids(project: Project, module: Module) -> set[str] | None:
    """Return the ids of the module's objectives, as written if some failed validation; None if unknown."""
    if "objectives" not in project.damaged.get(("module", module.id), frozenset()):
        return {o.id for o in module.objectives}
    written = project.raw("module", module.id).get("objectives")
    if not isinstance(written, list):
        return None
    return {o["id"] for o in written if isinstance(o, dict) and isinstance(o.get("id"), str)}


def _module_references(project: Project, module: Module) -> Iterator[Problem]:
    cur = project.curriculum
    objectives = [o.id for o in module.objectives]
    for ident, n in Counter(objectives).items():
        if n > 1:
            yield project.problem("module", module.id, ("objectives",), f"objectives: id '{ident}' is used {n} times")
    refs = [(("glossary", i), "glossary term", g, cur.glossary) for i, g in enumerate(module.glossary)]
    refs += [(("quotes", i, "source"), "source", q.source, cur.sources) for i, q in enumerate(module.quotes)]
    refs += [
        (("case_studies", i, "sources", j), "source", s, cur.sources)
        for i, c in enumerate(module.case_studies)
        for j, s in enumerate(c.sources)
    ]
    refs += [(("quiz", i, "source"), "source", q.source, cur.sources) for i, q in enumerate(module.quiz)]
    written = _objective_ids(project, module)
    if written is not None:
        refs += [(("quiz", i, "objective"), "objective", q.objective, written) for i, q in enumerate(module.quiz)]
        refs += [
            (("steps", i, "objectives", j), "objective", o, written)
            for i, s in enumerate(module.steps)
            for j, o in enumerate(s.objectives)
        ]
    for loc, kind, ident, known in refs:
        if ident not in known and kind not in project.unread and ident not in project.failed_ids.get(kind, ()):
            yield project.problem("module", module.id, loc, f"{loc_text(loc)}: " + _unknown(kind, ident, known))
    yield from _shown_parts(project, module)
    for i, section in enumerate(module.sections):
        if section.figure:
            yield from _figure_problems(project, module, i, section.figure.file)


def _figure_problems(project: Project, module: Module, index: int, ref: str) -> Iterator[Problem]:
    """A figure must be a file inside content/, never outside it or on the network."""
    loc = ("sections", index, "figure", "file")
    where = f"{loc_text(loc)}: "
    try:
        target = confined(project.content_dir, ref, "figure file")
    except Refused as refused:
        yield project.problem("module", module.id, loc, where + str(refused))
        return
    if not_an_image := image_problem(target):
        yield project.problem("module", module.id, loc, where + f"figure file '{ref}' {not_an_image}")


# The first bytes of each raster format a browser and WeasyPrint both show.
IMAGE_SIGNATURES = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".gif": (b"GIF8",)}


def image_problem(path: Path) -> str | None:
    """Return what keeps a figure file from showing (wrong kind, broken SVG, a file it reads), or None."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        from .svg import svg_problem

        return svg_problem(path)
    if suffix not in IMAGE_SIGNATURES:
        return "is not an image: use an .svg, .png or .jpg file"
    with path.open("rb") as file:
        start = file.read(8)
    return None if start.startswith(IMAGE_SIGNATURES[suffix]) else f"is not a {suffix[1:].upper()} image"


def check_quiz_items(project: Project) -> Iterator[Problem]:
    """Answers must name choices; choices must differ; ids unique across the curriculum."""
    first: dict[str, str] = {}
    for module in project.curriculum.modules.values():
        for i, item in enumerate(module.quiz):
            base = ("quiz", i)
            if item.id in first:
                message = f"quiz[{i}].id: '{item.id}' is already used in module '{first[item.id]}'"
                yield project.problem("module", module.id, (*base, "id"), message)
            first.setdefault(item.id, module.id)
            for loc, message in _item_problems(item):
                yield project.problem("module", module.id, base + loc, f"{loc_text(base + loc)}: {message}")


def _item_problems(item) -> Iterator[tuple[tuple, str]]:
    if isinstance(item, ChoiceItem):
        valid = letters(len(item.choices))
        span = f"{valid[0]}-{valid[-1]}"
        answers = item.correct
        for answer in answers:
            if answer not in valid:
                yield ("answer",), f"'{answer}' is not one of the choices {span}"
        if isinstance(item, MultipleResponse) and len(set(answers)) != len(answers):
            yield ("answer",), "names the same choice twice"
        texts = [c.text.strip().casefold() for c in item.choices]
        for j, text in enumerate(texts):
            if text in texts[:j]:
                yield ("choices", j), f"duplicates choice {valid[texts.index(text)]}"
    if isinstance(item, Matching):
        if len(item.pairs) < 2:
            yield ("pairs",), f"a matching item needs at least 2 pairs, has {len(item.pairs)}"
        for side in ("left", "right"):
            texts = [getattr(p, side) for p in item.pairs]
            for j, twin in _repeats(texts):
                yield ("pairs", j, side), f"is the same as pairs[{twin}].{side}; the key would be ambiguous"
    if isinstance(item, Ordering):
        for j, twin in _repeats(item.sequence):
            yield ("sequence", j), f"is the same as sequence[{twin}]; the right order would be ambiguous"


def _repeats(texts: list[str]) -> Iterator[tuple[int, int]]:
    """Yield (index, index of its first twin) for each text that repeats an earlier one (case and spaces ignored)."""
    folded = [" ".join(t.split()).casefold() for t in texts]
    for j, text in enumerate(folded):
        if text in folded[:j]:
            yield j, folded.index(text)


def check_timings(project: Project) -> Iterator[Problem]:
    """Steps add up to their module's minutes; opening, modules, closing and written quiz to the pack's."""
    cur = project.curriculum
    for module in cur.modules.values():
        total = sum(s.minutes for s in module.steps)
        if module.steps and total != module.minutes:
            yield project.problem(
                "module", module.id, ("steps",), f"steps: add up to {total} minutes, but minutes is {module.minutes}"
            )
    for pack in cur.packs.values():
        if not set(pack.modules) <= cur.modules.keys():
            continue  # its totals are unknown until every module loads
        modules = [cur.modules[m] for m in dict.fromkeys(pack.modules)]  # one listed twice is reported elsewhere
        timing = pack_timing(pack, [m.for_audience(pack.audience) for m in modules])
        if sum(timing.values()) != pack.minutes:
            parts = " + ".join(f"{part} {minutes}" for part, minutes in timing.items() if minutes)
            yield project.problem(
                "pack", pack.id, ("minutes",), f"minutes: {pack.minutes}, but {parts} add up to {sum(timing.values())}"
            )
        available = sum(len(m.quiz) for m in modules)
        if 0 < available < pack.quiz.questions:  # no items at all: the pack has no quiz, and builds none
            yield project.problem(
                "pack",
                pack.id,
                ("quiz", "questions"),
                f"quiz.questions: asks for {pack.quiz.questions} questions, but its modules hold {available}",
            )


def check_assessment(project: Project) -> Iterator[Problem]:
    """Every objective is assessed by a quiz item and taught by a step."""
    for module in project.curriculum.modules.values():
        assessed = {q.objective for q in module.quiz}
        taught = {o for s in module.steps for o in s.objectives}
        for i, objective in enumerate(module.objectives):
            loc = ("objectives", i, "id")
            if objective.id not in assessed:
                yield project.problem(
                    "module", module.id, loc, f"objective '{objective.id}' is assessed by no quiz item", "warning"
                )
            if module.steps and objective.id not in taught:
                yield project.problem("module", module.id, loc, f"objective '{objective.id}' is taught by no step")
    yield from _forms_cover_objectives(project)


def _forms_cover_objectives(project: Project) -> Iterator[Problem]:
    """Warn when a pack's forms draw too few questions to test each of its objectives."""
    cur = project.curriculum
    for pack in cur.packs.values():
        modules = [cur.modules[m] for m in pack.modules if m in cur.modules]
        if not any(m.quiz for m in modules):
            continue  # no quiz at all: nothing is drawn
        objectives = sum(len(m.objectives) for m in modules)
        if pack.quiz.questions < objectives:
            message = (
                f"quiz.questions: draws {pack.quiz.questions} questions for {objectives} objectives, "
                f"so every form leaves some objective untested; draw at least {objectives}"
            )
            yield project.problem("pack", pack.id, ("quiz", "questions"), message, "warning")


def check_usage(project: Project) -> Iterator[Problem]:
    """Warn about sources cited nowhere."""
    if not project.citations_known():
        return  # a module that failed to load may be the one that cites them
    cur = project.curriculum
    cited = set().union(*(m.cited_sources() for m in cur.modules.values()))
    for ident in cur.sources:
        if ident not in cited:
            yield project.problem("source", ident, ("id",), f"source '{ident}' is cited nowhere", "warning")


def check_languages(project: Project) -> Iterator[Problem]:
    """A pack's language needs the theme's words in that language."""
    from .theme import default_theme_dir

    folders = [project.root / "templates" / "strings", default_theme_dir() / "strings"]
    for pack in project.curriculum.packs.values():
        if not any((folder / f"{pack.language}.yaml").is_file() for folder in folders):
            known = ", ".join(sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.yaml")}))
            add = f"templates/strings/{pack.language}.yaml"
            message = f"language: no words for '{pack.language}' (known: {known}); add {add}"
            raw = project.raw("pack", pack.id)
            if project.settings_doc is not None and isinstance(raw, dict) and "language" not in raw:
                yield project.settings_doc.problem(("language",), message)  # the language emcon.yaml gives packs
            else:
                yield project.problem("pack", pack.id, ("language",), message)


def check_links(project: Project) -> Iterator[Problem]:
    """Warn about Markdown links that rendering drops (javascript:, file:, relative paths), where they are written."""
    cur = project.curriculum
    records = [("module", m.id, m) for m in cur.modules.values()] + [("term", t.id, t) for t in cur.glossary.values()]
    for kind, ident, record in records:
        for loc, text in texts_in(record.model_dump()):
            if markdown.too_deep(text):
                message = (
                    f"lists or quotes are nested too deep (about {markdown.MAX_NESTING // 2} levels); "
                    "the text past that depth would be lost: flatten the list"
                )
                yield project.problem(kind, ident, loc, f"{loc_text(loc)}: {message}")
            for url in markdown.dropped_links(text):
                message = f"link '{url}' is left out: links go to http:, https:, mailto: or #anchor addresses"
                yield project.problem(kind, ident, loc, f"{loc_text(loc)}: {message}", "warning")


def check_cards(project: Project) -> Iterator[Problem]:
    """Warn when a pocket card would have an empty panel (building the card then stops with the same words)."""
    from .render.card import empty_panels

    cur = project.curriculum
    for pack in cur.packs.values():
        if set(pack.modules) <= cur.modules.keys():  # a module that failed to load may hold the lines
            for loc, message in empty_panels(pack, cur.pack_modules(pack)):
                yield project.problem("pack", pack.id, loc, message, "warning")


def check_glyphs(project: Project) -> Iterator[Problem]:
    """Every character of the content has a glyph in a shipped font, or PDFs would draw it from the machine."""
    from .glyphs import covered, describe, font_files, missing_glyphs
    from .theme import default_theme_dir

    fonts = font_files([project.root / "templates", default_theme_dir()])
    if not fonts:
        return
    cover = covered(fonts)
    names = ", ".join(sorted({p.stem.split("-")[0] for p in fonts}))
    cur = project.curriculum
    records = [("module", m.id, m) for m in cur.modules.values()] + [("pack", p.id, p) for p in cur.packs.values()]
    records += [("term", t.id, t) for t in cur.glossary.values()] + [("source", s.id, s) for s in cur.sources.values()]
    for kind, ident, record in records:
        for loc, text in texts_in(record.model_dump()):
            chars = missing_glyphs(text, cover)
            if chars:
                verb = "has" if len(chars) == 1 else "have"
                message = (
                    f"{loc_text(loc)}: {describe(chars)} {verb} no glyph in the shipped fonts ({names}); a PDF would "
                    "draw it from the machine's fonts or as a box: remove it, or ship a font that covers it "
                    "(templates/fonts/ and an @font-face in templates/css/fonts.css)"
                )
                yield project.problem(kind, ident, loc, message)


def check_quotes(project: Project, sources_dir: Path) -> Iterator[Problem]:
    """Every quote appears verbatim in its source's local copy; a source without one says so (not verified)."""
    cur = project.curriculum
    quoted = Counter(q.source for m in cur.modules.values() for q in m.quotes)
    texts: dict[str, str] = {}
    for ident, source in cur.sources.items():
        if source.file == NO_COPY:
            if quoted[ident]:
                were = "was" if quoted[ident] == 1 else "were"
                message = f"file: {NO_COPY}: {count(quoted[ident], 'quote')} of source '{ident}' {were} not verified"
                yield project.problem("source", ident, ("file",), message + " (no local copy)", "note")
            continue
        found = yield from _read_copy(project, ident, source.file, sources_dir)
        if found is not None:
            texts[ident] = found
    for module in cur.modules.values():
        for i, quote in enumerate(module.quotes):
            text = texts.get(quote.source)
            if text is not None and fold_whitespace(quote.text) not in text:
                loc = ("quotes", i, "text")
                where = difference(text, fold_whitespace(quote.text))
                message = f"{loc_text(loc)}: quote not found verbatim in source '{quote.source}'; {where}"
                yield project.problem("module", module.id, loc, message)


def _read_copy(project: Project, ident: str, file: str | None, sources_dir: Path):
    """Yield why a source's local copy cannot be read; return its text, whitespace folded, or None."""
    if file is None:
        message = (
            f"source '{ident}' names no local copy: add `file: NAME` (its text in {sources_dir}), "
            f"or `file: {NO_COPY}` when there is none (its quotes are then not verified)"
        )
        yield project.problem("source", ident, ("id",), message)
        return None
    path = sources_dir / file
    if not path.is_file() or not path.resolve().is_relative_to(sources_dir.resolve()):
        message = f"source '{ident}': local copy {file} not found in {sources_dir}"
        yield project.problem("source", ident, ("file",), message)
        return None
    try:
        return fold_whitespace(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        yield project.problem("source", ident, ("file",), f"file: {path}: {not_utf8(exc)[1]}")
        return None
