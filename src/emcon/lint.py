"""Stage 2c: an instructional designer's warnings about the teaching itself.

Nothing here stops a build (`emcon check --strict` makes these errors): vague
objectives, modules taught in no pack, glossary terms nobody uses, quiz items
that do not explain their answer, and modules whose text does not fit their time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import Problem
from .loader import loc_text
from .model import Module

if TYPE_CHECKING:
    from .project import Project

# Verbs that name a state of mind nobody can observe, so no standard can measure them.
UNMEASURABLE = (
    "understand",
    "know",
    "be aware of",
    "be familiar with",
    "appreciate",
    "learn",
    "comprehend",
    "realize",
    "realise",
    "grasp",
    "become aware of",
    "gain an understanding of",
    "have an understanding of",
    "internalize",
    "believe",
)

# Observable verbs for each level of the revised Bloom taxonomy (Anderson & Krathwohl, 2001).
BLOOM_VERBS = {
    "remember": ("list", "name", "identify", "state", "recall"),
    "understand": ("explain", "describe", "summarize", "classify", "compare"),
    "apply": ("use", "apply", "demonstrate", "carry out", "choose"),
    "analyze": ("analyze", "distinguish", "compare", "organize", "attribute"),
    "evaluate": ("evaluate", "judge", "justify", "critique", "assess"),
    "create": ("design", "plan", "produce", "construct", "propose"),
}

# A module's reader text (summary, sections, case studies, quotes, key points, rules) is
# what an instructor delivers or the class reads. Spoken at a typical presentation rate
# of 130 words a minute, it should fill a fair share of the module's minutes; the rest
# goes to discussion, practicals and the check on learning. Less than a quarter of the
# time is too thin to teach from; more than twice the time cannot be covered even with
# no discussion at all. The shipped modules run at 80-150 words a minute.
SPEAKING_WPM = 130
MIN_SHARE, MAX_SHARE = 0.25, 2.0


def lint_project(project: Project) -> list[Problem]:
    """Run every designer's check; return the warnings found."""
    problems: list[Problem] = []
    for lint in (lint_objectives, lint_packless_modules, lint_unused_terms, lint_explanations, lint_lengths):
        problems += lint(project)
    return problems


def lint_objectives(project: Project) -> Iterator[Problem]:
    """An objective's action starts with an observable verb."""
    for module in project.curriculum.modules.values():
        for i, objective in enumerate(module.objectives):
            verb = unmeasurable_verb(objective.action)
            if verb:
                loc = ("objectives", i, "action")
                suggested = ", ".join(BLOOM_VERBS[objective.bloom])
                message = (
                    f"{loc_text(loc)}: '{verb}' cannot be observed or measured; "
                    f"for bloom '{objective.bloom}' start with a verb such as {suggested}"
                )
                yield project.problem("module", module.id, loc, message, "warning")


def unmeasurable_verb(action: str) -> str | None:
    """Return the vague verb an action starts with, if it does."""
    words = action.casefold().split()
    if words[:1] == ["to"]:
        words = words[1:]
    text = " ".join(words)
    return next((v for v in UNMEASURABLE if text == v or text.startswith(v + " ")), None)


def lint_packless_modules(project: Project) -> Iterator[Problem]:
    """Every module is taught in at least one pack."""
    if project.broken_packs:
        return  # a pack that failed to load may be the one that lists them
    packed = {m for pack in project.curriculum.packs.values() for m in pack.modules}
    for module in project.curriculum.modules.values():
        if module.id not in packed:
            message = f"module '{module.id}' is in no pack; list it under a pack's modules to build it"
            yield project.problem("module", module.id, ("id",), message, "warning")


def lint_unused_terms(project: Project) -> Iterator[Problem]:
    """Every glossary term is referenced by some module."""
    if project.broken:
        return  # a module that failed to load may use them
    used = {t for module in project.curriculum.modules.values() for t in module.glossary}
    for ident in project.curriculum.glossary:
        if ident not in used:
            message = f"glossary term '{ident}' is used by no module; list it under a module's glossary or remove it"
            yield project.problem("term", ident, ("id",), message, "warning")


def lint_explanations(project: Project) -> Iterator[Problem]:
    """Every quiz item explains its answer: keys and the self-check quiz show it."""
    for module in project.curriculum.modules.values():
        for i, item in enumerate(module.quiz):
            if item.explanation is None:
                message = f"quiz[{i}]: item '{item.id}' has no explanation; the answer key and self-check quiz show one"
                yield project.problem("module", module.id, ("quiz", i), message, "warning")


def lint_lengths(project: Project) -> Iterator[Problem]:
    """A module's text roughly fits its minutes."""
    for module in project.curriculum.modules.values():
        words = reader_words(module)
        spoken = words / SPEAKING_WPM
        if spoken < MIN_SHARE * module.minutes:
            need = round(MIN_SHARE * module.minutes * SPEAKING_WPM)
            advice = f"only {words} words (at least {need} expected); add teaching text or lower minutes"
        elif spoken > MAX_SHARE * module.minutes:
            limit = round(MAX_SHARE * module.minutes * SPEAKING_WPM)
            advice = f"{words} words (at most {limit} expected); shorten it, split it or raise minutes"
        else:
            continue
        message = f"minutes: {module.minutes}, but its text has {advice}"
        yield project.problem("module", module.id, ("minutes",), message, "warning")


def reader_words(module: Module) -> int:
    """Count the words of a module's reader text."""
    texts = [module.summary, *module.key_points]
    texts += [s.body for s in module.sections]
    texts += [c.body for c in module.case_studies] + [q.text for q in module.quotes]
    if module.rules:
        texts += module.rules.do + module.rules.dont
    return sum(len(text.split()) for text in texts)
