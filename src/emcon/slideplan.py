"""The slide plan: which slides a pack's deck has, in what order, with which speaker notes.

Both decks (the PDF through HTML, the PowerPoint through python-pptx) and the
notes pages are laid out from one plan, so they cannot drift apart.

The deck follows each module's learning steps: a step shows the module parts
named in its `shows`, in that order. A module whose steps name nothing gets a
story-first order instead: each step takes the parts its method teaches (a
case-study step the case studies, a discussion step the questions, a practical
step the exercise), lecture steps take the quotes and figures, and the
conclusions (rules, then key points) close the module's last taught step.

A deck has about one slide per taught minute, at most MOST_PER_MINUTE: title,
agenda, terminal objective, a title slide per module, every figure, every
check on learning and the quiz always stand; the other slides are taken by
priority, spread over the modules by their minutes, until the budget is spent.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from .localize import form_letter
from .markdown import plain_text
from .model import (
    Exercise,
    Figure,
    Matching,
    Module,
    MultipleResponse,
    Ordering,
    Pack,
    ShortAnswer,
    SingleChoice,
    Step,
    TrueFalse,
)

MOST_PER_MINUTE = 1.2  # slides per taught minute
MOST_LINES = 3  # list items on one slide in 24 pt type
MOST_CHARS = 280  # of list items under a heading: about seven lines of 24 pt type on a slide
MOST_RULES = 3  # per column of the Do and Don't slide
MOST_RULE_CHARS = 165  # per column: about seven lines of 20 pt type in half a slide
MOST_RULE_LINES = 7  # per column, measured: Ukrainian words run longer than the characters suggest
RULE_COLUMN_MM = 97  # a column of the Do and Don't slide, less its mark (slides.css), as fit.width_mm measures
RULE_PT = 20
TITLE_PT = 40  # a module's title slide heading (slides.css), bold
MOST_QUOTES_IN_A_ROW = 2
MOST_CHECK_QUESTIONS = 3
NOTE_WORDS = 260  # notes beneath a slide on one notes page
CAPTION_MM, CAPTION_PT = 222, 16  # a figure's caption line: the slide's width, its type size

# Priority of a slide the budget may drop: higher is kept first.
MUST = 100
PRIORITY = {"case": 6, "figure": MUST, "exercise": MUST, "rules": 5, "discussion": 4, "points": 3, "quote": 2}
LATER_DISCUSSION = 1  # a module's second and later questions
LATER_QUOTE = 1
SECTION = 0


@dataclass(frozen=True)
class Slide:
    """One slide: what it shows and what the instructor says over it."""

    # title, agenda, objective, module, figure, quote, case, discussion, rules, points, exercise, check, quiz, closing
    kind: str
    title: str  # Markdown; the heading, or what the slide is about
    label: str = ""  # the small line above the heading, e.g. "Module 2 · Case study"
    text: str = ""  # Markdown: a statement, question or quote
    attribution: str = ""  # a quote's speaker and role
    lines: tuple[str, ...] = ()  # Markdown list items
    do: tuple[str, ...] = ()
    dont: tuple[str, ...] = ()
    figure: Figure | None = None
    notes: tuple[str, ...] = ()  # plain paragraphs of speaker notes about what the slide shows
    lead: tuple[str, ...] = ()  # the step's script said before: the step, its time, what to say
    follow: tuple[str, ...] = ()  # the step's script said after: what to ask and listen for
    module: int = 0  # 1-based module number; 0 outside modules
    step: Step | None = None
    priority: int = MUST
    number: int = 0  # 1-based, set when the deck is final


@dataclass
class Deck:
    """A pack's planned slides, numbered."""

    slides: list[Slide]
    budget: int  # the most slides the taught minutes allow
    taught_minutes: int
    step_slides: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(step) -> first, last slide number

    def notes(self, slide: Slide) -> list[str]:
        """Return a slide's speaker notes: the script around what the slide shows, cut to fit one notes page."""
        script = len(" ".join(slide.lead + slide.follow).split())
        return [*slide.lead, *condense(slide.notes, max(40, NOTE_WORDS - script), shortest_tail=12), *slide.follow]

    def slides_of(self, step: Step) -> tuple[int, int] | None:
        """Return the first and last slide number a learning step uses, if any."""
        return self.step_slides.get(id(step))


def plan_deck(
    pack: Pack, modules: list[Module], t: dict, source_ids: set[str] = frozenset(), audience: str | None = None
) -> Deck:
    """Return the deck of a pack whose modules are already tailored to its audience (named as readers see it)."""
    words = Words(t, source_ids, audience or pack.audience)
    taught = taught_minutes(pack, modules)
    budget = max(1, math.floor(MOST_PER_MINUTE * taught))
    head = [title_slide(pack, words), agenda_slide(pack, modules, words)]
    if pack.terminal_objective:
        head.append(objective_slide(pack, words))
    opening = [s for s in pack.opening if s.method != "check"]
    head = scripted([replace(s, step=opening[0]) for s in head] if opening else head, opening, words)
    head += [check_slide(0, s, modules, words) for s in pack.opening if s.method == "check"]
    checks = [s for s in pack.closing if s.method == "check"]
    tail = [quiz_slide(pack, checks[0] if checks else None, words)]
    tail += [check_slide(0, s, modules, words) for s in checks[1:]]
    tail.append(closing_slide(pack, modules, words))
    used_quotes: set[str] = set()  # no quote twice in one deck
    candidates = [module_slides(n, m, words, used_quotes) for n, m in enumerate(modules, 1)]
    chosen = choose(candidates, [m.minutes for m in modules], budget - len(head) - len(tail))
    body = [s for m, kept in zip(modules, chosen, strict=True) for s in scripted(kept, m.steps, words)]
    slides = head + body + tail
    return number(slides, budget, taught)


def taught_minutes(pack: Pack, modules: list[Module]) -> int:
    """Return the minutes the deck is shown: opening, modules and closing, never more than the pack's."""
    steps = sum(s.minutes for s in pack.opening + pack.closing)
    return min(pack.minutes, steps + sum(m.minutes for m in modules))


# ---------------------------------------------------------------- words


class Words:
    """The theme's fixed words for slides, and text cleaned for notes."""

    def __init__(self, t: dict, source_ids: set[str], audience: str = ""):
        self.t = t
        self.audience = audience  # the pack's audience, as readers see it
        self.deck = t["deck"]
        keys = "|".join(sorted(map(re.escape, source_ids), key=len, reverse=True))
        # "(nyt-ap-2023)" or "(nyt-ap-2023; schneier-2022)": citation keys are for authors, not for the class.
        self.citation = re.compile(rf"\s*\((?:{keys})(?:\s*[;,]\s*(?:{keys}))*\)") if keys else None

    def plain(self, text: str | None) -> str:
        """Return Markdown text as one plain paragraph, without citation keys."""
        if not text:
            return ""
        flat = plain_text(" ".join(text.split()))
        return self.citation.sub("", flat) if self.citation else flat

    def paragraphs(self, text: str | None) -> list[str]:
        """Return Markdown blocks as plain paragraphs (list items become paragraphs)."""
        blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)", text or "")
        return [p for p in (self.plain(re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", b)) for b in blocks) if p]

    def minutes(self, n: int) -> str:
        return f"{n} {self.t['minutes_unit']}"

    def module_label(self, n: int, what: str = "") -> str:
        return f"{self.t['module']} {n}" + (f" · {what}" if what else "")


# ---------------------------------------------------------------- the pack's own slides


def title_slide(pack: Pack, words: Words) -> Slide:
    notes = [words.deck["notes_title"].format(minutes=pack.minutes, audience=words.audience)]
    markings = [m.rstrip(".") for m in (pack.classification, pack.distribution) if m]
    if markings:  # a pack may print none
        notes.append(f"{words.deck['notes_marking']} {'. '.join(markings)}.")
    label = f"{words.audience} · {words.minutes(pack.minutes)}"
    return Slide("title", pack.title, label=label, text=pack.subtitle or "", notes=tuple(notes))


def agenda_slide(pack: Pack, modules: list[Module], words: Words) -> Slide:
    lines = [f"{m.title} · {words.minutes(m.minutes)}" for m in modules]
    lines.append(f"{words.deck['quiz']} · {words.minutes(pack.quiz.minutes)}")
    notes = [words.deck["notes_agenda"].format(count=len(modules), minutes=pack.minutes)]
    notes += [
        f"{n}. {words.plain(m.title)} ({words.minutes(m.minutes)}): {words.plain(m.summary)}"
        for n, m in enumerate(modules, 1)
    ]
    return Slide("agenda", words.deck["agenda"], lines=tuple(lines), notes=tuple(notes))


def objective_slide(pack: Pack, words: Words) -> Slide:
    tlo = pack.terminal_objective
    notes = [
        words.deck["notes_objective"],
        f"{words.t['condition']}: {words.plain(tlo.condition)}",
        f"{words.t['standard']}: {words.plain(tlo.standard)}",
    ]
    return Slide("objective", words.t["terminal_objective"], text=tlo.action, notes=tuple(notes))


def quiz_slide(pack: Pack, step: Step | None, words: Words) -> Slide:
    q = pack.quiz
    lines = [
        words.deck["quiz_questions"].format(questions=q.questions),
        words.deck["quiz_time"].format(minutes=q.minutes),
        words.deck["quiz_pass"].format(pass_mark=q.pass_mark),
    ]
    forms = ", ".join(form_letter(chr(ord("A") + i), pack.language) for i in range(q.forms))
    notes = [words.deck["notes_quiz"].format(forms=forms, minutes=q.minutes, pass_mark=q.pass_mark)]
    slide = Slide("quiz", words.deck["quiz"], lines=tuple(lines), notes=tuple(notes))
    return with_script([slide], step, words)[0] if step else slide


def closing_slide(pack: Pack, modules: list[Module], words: Words) -> Slide:
    from .render.card import remember

    tlo = pack.terminal_objective
    lines = tuple(remember(pack, modules))
    notes = [words.deck["notes_closing"]]
    if tlo:
        notes.append(f"{words.t['standard']}: {words.plain(tlo.standard)}")
    notes += [f"{n}. {words.plain(line)}" for n, line in enumerate(lines, 1)]
    text = tlo.action if tlo else ""
    steps = [s for s in pack.closing if s.method != "check"]
    slide = Slide("closing", words.deck["closing"], text=text, lines=lines, notes=tuple(notes))
    return scripted([replace(slide, step=steps[0]) if steps else slide], steps, words)[0]


# ---------------------------------------------------------------- a module's slides


def module_slides(n: int, module: Module, words: Words, used_quotes: set[str]) -> list[Slide]:
    """Return every slide a module could have, in teaching order, each with its step and priority."""
    slides = [module_title_slide(n, module, words)]
    first_quote = True
    for step, refs in step_parts(module):
        if step is not None and step.method == "check":
            slides.append(check_slide(n, step, [module], words))
        for ref in refs:
            for slide in part_slides(n, module, ref, words, used_quotes):
                if slide.kind == "quote":
                    slide = replace(slide, priority=PRIORITY["quote"] if first_quote else LATER_QUOTE)
                    first_quote = False
                slides.append(replace(slide, step=step))
    return slides


def scripted(slides: list[Slide], steps: list[Step], words: Words) -> list[Slide]:
    """Return kept slides with their steps' scripts; a step left without slides speaks on the slide before it."""
    out = list(slides)
    for k, step in enumerate(steps):
        mine = [i for i, s in enumerate(out) if s.step is step]
        if mine:
            out[mine[0] : mine[-1] + 1] = with_script(out[mine[0] : mine[-1] + 1], step, words)
            continue
        earlier = [i for i, s in enumerate(out) if any(s.step is e for e in steps[:k])]
        at = earlier[-1] if earlier else 0
        out[at] = replace(out[at], follow=out[at].follow + tuple(script(step, words, then=True)))
    return out


def module_title_slide(n: int, module: Module, words: Words) -> Slide:
    notes = [words.deck["notes_module"].format(minutes=module.minutes), words.plain(module.summary)]
    notes += [
        f"{words.t['objective']} {n}.{i}: {words.plain(o.action)}. {words.t['standard']}: {words.plain(o.standard)}"
        for i, o in enumerate(module.objectives, 1)
    ]
    notes += [words.plain(note) for note in module.instructor_notes]
    title_lines = wrapped_lines(plain_text(module.title), CAPTION_MM, TITLE_PT, bold=True)
    lines = tuple(fitting([o.action for o in module.objectives], 250 - 70 * (title_lines - 1)))
    label = f"{words.module_label(n)} · {words.minutes(module.minutes)}"
    return Slide("module", module.title, label=label, lines=lines, notes=tuple(notes), module=n)


def step_parts(module: Module) -> list[tuple[Step | None, list[str]]]:
    """Return each learning step with the module parts it shows, in teaching order."""
    steps = list(module.steps)
    if any(s.shows for s in steps):
        parts = [(s, list(s.shows)) for s in steps]
        return with_unshown_figures(module, parts)
    return story_parts(module, steps)


def with_unshown_figures(module: Module, parts: list[tuple[Step | None, list[str]]]) -> list:
    """Add every figure no step shows to the first step that teaches, so each figure is on a slide."""
    shown = {ref for _, refs in parts for ref in refs}
    missing = [f"sections[{i}]" for i, s in enumerate(module.sections) if s.figure and f"sections[{i}]" not in shown]
    if missing:
        first = next((i for i, (s, _) in enumerate(parts) if s is None or s.method != "check"), 0)
        step, refs = parts[first]
        parts[first] = (step, refs + missing)
    return parts


def story_parts(module: Module, steps: list[Step]) -> list[tuple[Step | None, list[str]]]:
    """Return the parts each step shows when no step names them: story first, conclusions last."""
    quotes = [f"quotes[{i}]" for i in range(len(module.quotes))]
    figures = [f"sections[{i}]" for i, s in enumerate(module.sections) if s.figure]
    cases = [f"case_studies[{i}]" for i in range(len(module.case_studies))]
    questions = [f"discussion[{i}]" for i in range(len(module.discussion))]
    exercises = [f"exercises[{i}]" for i in range(len(module.exercises))]
    conclusions = (["rules"] if module.rules else []) + ["key_points"]
    if not steps:
        return [(None, quotes[:1] + cases + figures + quotes[1:] + questions + exercises + conclusions)]
    taught = [s for s in steps if s.method != "check"] or steps
    lectures = [s for s in taught if s.method in ("lecture", "demonstration")] or taught[:1]
    by_method = {"case-study": cases, "discussion": questions, "practical": exercises}
    owner = {m: [s for s in taught if s.method == m] for m in by_method}
    shows: dict[int, list[str]] = {id(s): [] for s in steps}
    story = quotes[:1] + figures + quotes[1:]
    unowned: list[str] = []  # parts whose method no step has: after the story, before the conclusions
    for method, refs in by_method.items():
        if owner[method]:
            spread(refs, owner[method], shows)
        elif method == "case-study":
            story = quotes[:1] + cases + figures + quotes[1:]
        else:
            unowned += refs
    spread(story, lectures, shows)
    shows[id(taught[-1])] += unowned + conclusions
    return [(s, shows[id(s)]) for s in steps]


def spread(refs: list[str], steps: list[Step], shows: dict[int, list[str]]) -> None:
    """Share refs among steps in order, each step a run of about the same length."""
    size = math.ceil(len(refs) / len(steps)) if refs else 0
    for i, step in enumerate(steps):
        shows[id(step)] += refs[i * size : (i + 1) * size]


def part_slides(n: int, module: Module, ref: str, words: Words, used_quotes: set[str]) -> list[Slide]:
    """Return the slides that show one part of a module (none for a quote already shown)."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]", ref)
    name, index = (match[1], int(match[2])) if match else (ref, 0)
    items = getattr(module, name)
    if match and index >= len(items):
        return []  # a part this audience does not see
    if name == "sections":
        return section_slides(n, module.sections[index], words)
    if name == "quotes":
        quote = module.quotes[index]
        key = " ".join(quote.text.split()).casefold()
        if key in used_quotes:
            return []
        used_quotes.add(key)
        return [quote_slide(n, quote, words, PRIORITY["quote"])]
    if name == "case_studies":
        return [case_slide(n, module.case_studies[index], words)]
    if name == "discussion":
        return [discussion_slide(n, module.discussion[index], index, words)]
    if name == "exercises":
        return [exercise_slide(n, module.exercises[index], words)]
    if name == "rules":
        return [rules_slide(n, module, words)] if module.rules else []
    if name == "key_points":
        return points_slides(n, module.key_points, words)
    return []  # objectives: the module's title slide shows them


def section_slides(n: int, section, words: Words) -> list[Slide]:
    notes = tuple(condense(words.paragraphs(section.body)))
    if section.figure:
        f = section.figure
        label = words.module_label(n, words.t["figure"])
        notes = (words.deck["notes_figure"].format(alt=words.plain(f.alt)),) + notes
        notes = notes + (words.plain(f.caption),)
        return [
            Slide(
                "figure",
                section.heading,
                label=label,
                text=caption_line(f.caption),
                figure=f,
                notes=notes,
                module=n,
                priority=PRIORITY["figure"],
            )
        ]
    text = first_sentence(words.paragraphs(section.body))
    return [
        Slide(
            "points", section.heading, label=words.module_label(n), text=text, notes=notes, module=n, priority=SECTION
        )
    ]


def first_sentence(paragraphs: list[str], most_chars: int = 150) -> str:
    """Return the first sentence of a section for its slide, whole, or nothing if it is too long for one."""
    if not paragraphs:
        return ""
    sentence = sentences(paragraphs[0])[0]
    return sentence if len(sentence) <= most_chars else ""


ABBREVIATIONS = {"gen", "lt", "col", "maj", "capt", "sgt", "dr", "mr", "mrs", "ms", "st", "no", "vs", "e.g", "i.e"}
ABBREVIATIONS |= {"ген", "полк", "с", "м", "ст", "вул", "див", "напр", "тис", "млн"}  # Ukrainian
CAPITAL = "A-ZА-ЯІЇЄҐ"  # a sentence starts with a capital, Latin or Cyrillic, or an opening mark


def sentences(text: str) -> list[str]:
    """Return the sentences of a paragraph; "Gen.", "U.S." or an initial ("H.") does not end one."""
    out, start = [], 0
    for match in re.finditer(rf"[.!?][”’»“\"')]*\s+(?=[{CAPITAL}“«„\"‘(])", text):
        word = text[start : match.start()].rsplit(" ", 1)[-1]
        if word.casefold().strip("(") in ABBREVIATIONS or re.fullmatch(rf"(?:[{CAPITAL}]\.)*[{CAPITAL}]", word):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    return out + [text[start:].strip()] if text[start:].strip() else out


def caption_line(caption: str) -> str:
    """Return a figure's caption as one line under the figure: its first sentence, cut to fit the slide."""
    from .fit import fit_line

    first = sentences(" ".join(caption.split()))[0]
    return fit_line(first, CAPTION_MM, CAPTION_PT)


def quote_slide(n: int, quote, words: Words, priority: int) -> Slide:
    who = quote.speaker + (f", {quote.role}" if quote.role else "")
    notes = [words.deck["notes_quote"].format(who=who)]
    if quote.context:
        notes.append(words.plain(quote.context))
    original = getattr(quote, "original", None)  # a translated pack's quote: the source's own words, in the notes
    if original:
        notes.append(f"{words.t['original']}: “{words.plain(original)}”")
        who = f"{who} ({words.t['translated']})"
    return Slide(
        "quote",
        who,
        label=words.module_label(n, words.t["quote"]),
        text=quote.text,
        attribution=who,
        notes=tuple(notes),
        module=n,
        priority=priority,
    )


def case_slide(n: int, case, words: Words) -> Slide:
    lessons = tuple(fitting(case.lessons, MOST_CHARS - len(case.title)))
    notes = [words.deck["notes_case"]] + condense(words.paragraphs(case.body))
    notes += [f"{words.t['lessons']}: " + " ".join(words.plain(x) for x in case.lessons)] if case.lessons else []
    return Slide(
        "case",
        case.title,
        label=words.module_label(n, words.t["case_study"]),
        lines=lessons,
        notes=tuple(notes),
        module=n,
        priority=PRIORITY["case"],
    )


def discussion_slide(n: int, question, index: int, words: Words) -> Slide:
    notes = [words.deck["notes_discussion"], f"{words.t['good_answer']}: {words.plain(question.good_answer)}"]
    if question.watch_for:
        notes.append(f"{words.t['watch_for']}: {words.plain(question.watch_for)}")
    priority = PRIORITY["discussion"] if index == 0 else LATER_DISCUSSION
    return Slide(
        "discussion",
        question.question,
        label=words.module_label(n, words.t["discussion"]),
        text=question.question,
        notes=tuple(notes),
        module=n,
        priority=priority,
    )


def exercise_slide(n: int, exercise: Exercise, words: Words) -> Slide:
    task = sentences(" ".join(words.paragraphs(exercise.task)))
    shown = [x for i, x in enumerate(task) if len(" ".join(task[: i + 1])) <= 200] or [shorten(task[0], 200)]
    lines = (" ".join(shown), words.deck["exercise_time"].format(minutes=exercise.minutes))
    notes = [words.deck["notes_exercise"].format(minutes=exercise.minutes)]
    notes += [shorten(" ".join(words.paragraphs(exercise.scenario)), 400)]
    notes += [f"{words.deck['expected']}: {' '.join(words.paragraphs(exercise.expected))}"]
    label = words.module_label(n, words.t["methods"]["practical"])
    return Slide(
        "exercise",
        exercise.title,
        label=label,
        lines=lines,
        notes=tuple(notes),
        module=n,
        priority=PRIORITY["exercise"],
    )


def rules_slide(n: int, module: Module, words: Words) -> Slide:
    rules = module.rules
    do, dont = (lines_fitting(fitting(r, MOST_RULE_CHARS, MOST_RULES)) for r in (rules.do, rules.dont))
    notes = [words.deck["notes_rules"]]
    rest = [r for r in rules.do if r not in do] + [r for r in rules.dont if r not in dont]
    if rest:
        notes.append(words.deck["notes_more_rules"] + " " + " ".join(f"{words.plain(r)}" for r in rest))
    return Slide(
        "rules",
        words.t["rules"],
        label=words.module_label(n),
        do=tuple(do),
        dont=tuple(dont),
        notes=tuple(notes),
        module=n,
        priority=PRIORITY["rules"],
    )


def fitting(items: list[str], most_chars: int, most: int = MOST_LINES) -> list[str]:
    """Return the first items whose text fits a slide's list (at least one, cut if it alone is too long)."""
    taken, total = [], 0
    for item in items[:most]:
        if taken and total + len(item) > most_chars:
            break
        taken.append(item if len(item) <= most_chars else shorten(item, most_chars))
        total += len(item)
    return taken


def lines_fitting(items: list[str]) -> list[str]:
    """Return the first items that fit a column of the Do and Don't slide in measured lines (at least one)."""
    taken, total = [], 0
    for item in items:
        total += wrapped_lines(plain_text(item), RULE_COLUMN_MM, RULE_PT)
        if taken and total > MOST_RULE_LINES:
            break
        taken.append(item)
    return taken


def wrapped_lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """Return how many lines text takes in a box width_mm wide, wrapped at words (fit.width_mm measures)."""
    from .fit import width_mm as measure
    from .theme import default_theme_dir

    font = default_theme_dir() / "fonts" / "NotoSans-Bold.ttf" if bold else None
    lines, line = 1, ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and measure(candidate, size_pt, font) > width_mm:
            lines, line = lines + 1, word
        else:
            line = candidate
    return lines


def points_slides(n: int, points: list[str], words: Words) -> list[Slide]:
    """Return the key points, as many to a slide as fit; the budget keeps the first slide before the others."""
    parts, rest = [], list(points)
    while rest:
        parts.append(fitting(rest, MOST_CHARS))
        rest = rest[len(parts[-1]) :]
    if len(parts) > 1:  # as many slides as greedy filling needs, the points shared evenly among them
        size = math.ceil(len(points) / len(parts))
        even = [points[i : i + size] for i in range(0, len(points), size)]
        if all(sum(map(len, part)) <= MOST_CHARS for part in even):
            parts = even
    slides = []
    for i, part in enumerate(parts):
        label = words.module_label(n)
        notes = (words.deck["notes_points"],) + tuple(words.plain(p) for p in part)
        priority = PRIORITY["points"] if i == 0 else SECTION
        slides.append(
            Slide(
                "points",
                words.t["key_points"],
                label=label,
                lines=tuple(part),
                notes=notes,
                module=n,
                priority=priority,
            )
        )
    return slides


def check_slide(n: int, step: Step, modules: list[Module], words: Words) -> Slide:
    """Return a check on learning: a few quiz items to ask aloud, with their answers in the notes."""
    items = [q for m in modules for q in m.quiz if not step.objectives or q.objective in step.objectives]
    oral = [q for q in items if isinstance(q, (SingleChoice, TrueFalse, ShortAnswer, MultipleResponse))]
    picked = pick_spread(oral or items, MOST_CHECK_QUESTIONS)
    lines = tuple(fitting([shorten(words.plain(q.prompt), 130) for q in picked], MOST_CHARS, MOST_CHECK_QUESTIONS))
    picked = picked[: len(lines)]
    notes = [words.deck["notes_check"]]
    notes += [
        f"{i}. {words.plain(q.prompt)} {words.t['answer']}: {answer_of(q, words)}" for i, q in enumerate(picked, 1)
    ]
    label = words.module_label(n) if n else ""
    return Slide(
        "check", words.t["check_on_learning"], label=label, lines=lines, notes=tuple(notes), module=n, step=step
    )


def pick_spread(items: list, most: int) -> list:
    """Return at most `most` items spread across the list (one per objective first)."""
    firsts = list({q.objective: q for q in reversed(items)}.values())[::-1]
    picked = firsts[:most]
    picked += [q for q in items if q not in picked][: most - len(picked)]
    return sorted(picked, key=items.index)


def answer_of(item, words: Words) -> str:
    """Return the answer of a quiz item in words an instructor can say."""
    if isinstance(item, (SingleChoice, MultipleResponse)):
        text = dict(item.lettered)
        answer = "; ".join(words.plain(text[letter].text) for letter in item.correct)
    elif isinstance(item, TrueFalse):
        answer = words.t["quiz"]["true" if item.answer else "false"]
    elif isinstance(item, ShortAnswer):
        answer = words.plain(item.answer[0])
    elif isinstance(item, Matching):
        answer = "; ".join(f"{words.plain(p.left)}: {words.plain(p.right)}" for p in item.pairs)
    elif isinstance(item, Ordering):
        answer = "; ".join(words.plain(s) for s in item.sequence)
    else:
        answer = ""
    why = words.plain(item.explanation)
    return f"{answer}. {why}" if why else answer


# ---------------------------------------------------------------- scripts and notes


def script(step: Step, words: Words, then: bool = False) -> list[str]:
    """Return a learning step's script as notes: what to say, what to ask, what to listen for."""
    method = words.t["methods"].get(step.method, step.method)
    head = words.deck["notes_then" if then else "notes_step"].format(
        title=words.plain(step.title), method=method, minutes=step.minutes
    )
    notes = [head]
    if step.say:
        notes += [f"{words.deck['say']}: " + " ".join(words.paragraphs(step.say))]
    if step.ask:
        notes.append(f"{words.deck['ask']}: {words.plain(step.ask)}")
    if step.listen_for:
        notes.append(f"{words.deck['listen_for']}: " + " ".join(words.paragraphs(step.listen_for)))
    return notes


def with_script(slides: list[Slide], step: Step, words: Words) -> list[Slide]:
    """Put a step's script on its slides: the step and what to say first, the question where it is asked."""
    lines = script(step, words)
    say = tuple(x for x in lines[1:] if x.startswith(words.deck["say"] + ":"))
    ask = tuple(x for x in lines[1:] if x not in say)
    asked_on = next((i for i, s in enumerate(slides) if s.kind in ("discussion", "check")), len(slides) - 1)
    share = step.minutes / len(slides)
    out = []
    for i, slide in enumerate(slides):
        timing = words.deck["notes_timing"].format(minutes=about(share), part=i + 1, parts=len(slides))
        lead = ((lines[0],) + say if i == 0 else ()) + (timing,) + slide.lead
        follow = slide.follow + (ask if i == asked_on else ())
        out.append(replace(slide, lead=lead, follow=follow, step=step))
    return out


def about(minutes: float) -> str:
    """Return minutes to say aloud: whole minutes, or a half, never zero."""
    return f"{max(0.5, round(minutes * 2) / 2):g}"


def condense(paragraphs, most_words: int = 120, shortest_tail: int = 15) -> list[str]:
    """Return the first paragraphs, up to about most_words words, the last one shortened.

    A shortened last paragraph is kept only if it has more than shortest_tail words left.
    """
    out, count = [], 0
    for p in paragraphs:
        n = len(p.split())
        if count + n > most_words:
            if most_words - count > shortest_tail:
                out.append(shorten(p, (most_words - count) * 6))
            break
        out.append(p)
        count += n
    return out


def shorten(text: str, most_chars: int) -> str:
    """Return text cut at a word boundary to at most most_chars characters, with an ellipsis if cut."""
    if len(text) <= most_chars:
        return text
    cut = text[: most_chars - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


# ---------------------------------------------------------------- the budget


def choose(modules: list[list[Slide]], minutes: list[int], budget: int) -> list[list[Slide]]:
    """Return each module's slides that the budget keeps: priority first, spread by the modules' minutes."""
    kept = [[s.priority >= MUST for s in slides] for slides in modules]
    left = budget - sum(map(sum, kept))
    while left > 0:
        best = None
        for m, slides in enumerate(modules):
            share = sum(kept[m]) / max(1, minutes[m])
            for i, slide in enumerate(slides):
                if not kept[m][i] and not breaks_quote_rule(slides, kept[m], i):
                    rank = (slide.priority, -share, -i)
                    if best is None or rank > best[0]:
                        best = (rank, m, i)
        if best is None:
            break
        _, m, i = best
        kept[m][i] = True
        left -= 1
    return [[s for s, k in zip(slides, keep, strict=True) if k] for slides, keep in zip(modules, kept, strict=True)]


def breaks_quote_rule(slides: list[Slide], kept: list[bool], index: int) -> bool:
    """Tell whether keeping slide index would put more than two quote slides in a row."""
    if slides[index].kind != "quote":
        return False
    shown = [i for i in range(len(slides)) if kept[i] or i == index]
    at = shown.index(index)
    run = 1
    for i in reversed(shown[:at]):
        if slides[i].kind != "quote":
            break
        run += 1
    for i in shown[at + 1 :]:
        if slides[i].kind != "quote":
            break
        run += 1
    return run > MOST_QUOTES_IN_A_ROW


def number(slides: list[Slide], budget: int, taught: int) -> Deck:
    """Return the deck with its slides numbered, notes fitted, and each step's slide range."""
    numbered = [replace(s, number=i) for i, s in enumerate(slides, 1)]
    deck = Deck(numbered, budget, taught)
    for s in numbered:
        if s.step is not None:
            first, _ = deck.step_slides.get(id(s.step), (s.number, s.number))
            deck.step_slides[id(s.step)] = (first, s.number)
    return deck
