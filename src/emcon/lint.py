"""Stage 2c: an instructional designer's warnings about the teaching itself.

Nothing here stops a build (`emcon check --strict` makes these errors): vague
objectives, modules taught in no pack, glossary terms nobody uses, quiz items
that do not explain their answer, modules whose text does not fit their time,
and quizzes a test-wise learner could game (right answers piled on one letter,
true/false items mostly one way) or that test an objective fewer than twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import Problem, count
from .loader import loc_text
from .model import Module, Pack, SingleChoice, TrueFalse, letters
from .quiz import draw_items

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

# Every printed form tests each objective of its pack's modules at least this often, so
# one lucky or unlucky item never decides whether a learner met an objective.
FORM_ITEMS_PER_OBJECTIVE = 2


def lint_project(project: Project) -> list[Problem]:
    """Run every designer's check; return the warnings found.

    Like checks.check_project: the lints of one record also read the records saved from
    files that failed validation; those that add records up read only the records that passed.
    """
    readable = project.readable
    problems: list[Problem] = []
    for lint in (
        lint_objectives,
        lint_packless_modules,
        lint_unused_terms,
        lint_explanations,
        lint_placeholders,
        lint_quiz_size,
    ):
        problems += lint(readable)
    for lint in (lint_lengths, lint_answer_balance, lint_objective_coverage):
        problems += lint(project)
    return problems


# Text that starts with this word is a placeholder: the skeletons of `emcon new` are full of it.
PLACEHOLDER = "TODO"
# docs/content.md: "at least 6 items, together assessing every objective".
MIN_QUIZ_ITEMS = 6


def lint_placeholders(project: Project) -> Iterator[Problem]:
    """No text is still a placeholder (it begins with TODO)."""
    cur = project.curriculum
    records = [("module", m) for m in cur.modules.values()] + [("pack", p) for p in cur.packs.values()]
    records += [("source", s) for s in cur.sources.values()] + [("term", t) for t in cur.glossary.values()]
    for kind, record in records:
        for loc, text in texts_in(project.raw(kind, record.id)):
            if text.lstrip().startswith(PLACEHOLDER):
                message = f"{loc_text(loc)}: placeholder text (it begins with {PLACEHOLDER}); write the real text"
                yield project.problem(kind, record.id, loc, message, "warning")


def texts_in(value, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Yield every text inside a record (as read from its file, or dumped), with its location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict | list):
        for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
            yield from texts_in(inner, loc + (key,))


def lint_quiz_size(project: Project) -> Iterator[Problem]:
    """Every module has the quiz items the docs ask for, so forms can draw on each objective."""
    for module in project.curriculum.modules.values():
        if "quiz" in project.damaged.get(("module", module.id), frozenset()):
            continue  # items left out of a module that failed validation: its count is unknown
        have = len(module.quiz)
        if have < MIN_QUIZ_ITEMS:
            message = (
                f"quiz: {count(have, 'item')}; a module needs at least {MIN_QUIZ_ITEMS} "
                f"that together assess every objective (docs/content.md): add {MIN_QUIZ_ITEMS - have} more"
            )
            yield project.problem("module", module.id, ("quiz",), message, "warning")


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
    given_up = project.broken_packs - project.curriculum.packs.keys()
    if given_up or any("modules" in fields for (kind, _), fields in project.damaged.items() if kind == "pack"):
        return  # a pack that failed to load may be the one that lists them
    packed = {m for pack in project.curriculum.packs.values() for m in pack.modules}
    for module in project.curriculum.modules.values():
        if module.id not in packed:
            message = f"module '{module.id}' is in no pack; list it under a pack's modules to build it"
            yield project.problem("module", module.id, ("id",), message, "warning")


def lint_unused_terms(project: Project) -> Iterator[Problem]:
    """Every glossary term is referenced by some module."""
    if not project.citations_known():
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


# A bank whose right answers cluster on one letter, or whose true/false items are mostly
# one way, rewards the test-wise learner. Allowed spread: one, plus one for every ten items.
def balance_tolerance(n: int) -> int:
    """Return how far apart the counts of n items' answers may be and still count as even."""
    return 1 + n // 10


def _packs_with_modules(project: Project) -> Iterator[tuple[Pack, list[Module]]]:
    """Yield each pack whose modules all loaded, with its modules as its audience reads them."""
    curriculum = project.curriculum
    for pack in curriculum.packs.values():
        if all(m in curriculum.modules for m in pack.modules):
            yield pack, curriculum.pack_modules(pack)


def lint_answer_balance(project: Project) -> Iterator[Problem]:
    """A pack's single-choice answers spread over the letters; its true/false items go both ways."""
    for pack, modules in _packs_with_modules(project):
        items = [item for module in modules for item in module.quiz]
        singles = [item for item in items if isinstance(item, SingleChoice)]
        if len(singles) >= 2:
            shared = letters(min(len(item.choices) for item in singles))
            counts = Counter(item.answer for item in singles)
            spread = [counts[letter] for letter in shared]
            tolerance = balance_tolerance(len(singles))
            if max(spread) - min(spread) > tolerance:
                tally = ", ".join(f"{letter} {counts[letter]}" for letter in shared)
                message = (
                    f"quiz: the right answers of this pack's {len(singles)} single-choice items are {tally}; "
                    f"spread them evenly over the letters (at most {tolerance} apart) by reordering choices"
                )
                yield project.problem("pack", pack.id, ("quiz",), message, "warning")
        drawn = [item for _, item in draw_items(pack, modules)]
        for where, pool in (("items", items), ("forms", drawn)):
            answers = [item.answer for item in pool if isinstance(item, TrueFalse)]
            true, false = answers.count(True), answers.count(False)
            tolerance = balance_tolerance(len(answers))
            if len(answers) >= 2 and abs(true - false) > tolerance:
                holder = "this pack's items" if where == "items" else "its printed forms"
                message = (
                    f"quiz: {true} of the {len(answers)} true/false items in {holder} are true and {false} false; "
                    f"make them true about as often as false (at most {tolerance} apart)"
                )
                yield project.problem("pack", pack.id, ("quiz",), message, "warning")


def lint_objective_coverage(project: Project) -> Iterator[Problem]:
    """Every form of a pack tests each objective of its modules with at least two items."""
    for pack, modules in _packs_with_modules(project):
        groups = Counter((module.id, item.objective) for module in modules for item in module.quiz)
        drawn = Counter((module.id, item.objective) for module, item in draw_items(pack, modules))
        enough = sum(min(FORM_ITEMS_PER_OBJECTIVE, n) for n in groups.values())
        for module in modules:
            for objective in module.objectives:
                key = (module.id, objective.id)
                if drawn[key] >= FORM_ITEMS_PER_OBJECTIVE:
                    continue
                if groups[key] < FORM_ITEMS_PER_OBJECTIVE:
                    advice = (
                        f"module '{module.id}' has {groups[key]} item(s) for it that {pack.audience} packs show; "
                        f"add items"
                    )
                else:
                    advice = f"raise questions to {enough}"
                message = (
                    f"quiz: its forms test objective '{objective.id}' of module '{module.id}' with "
                    f"{drawn[key]} item(s); at least {FORM_ITEMS_PER_OBJECTIVE} should test each objective: {advice}"
                )
                yield project.problem("pack", pack.id, ("quiz",), message, "warning")
