"""The typed content model: modules, packs, sources and glossary.

The model knows no files. The loader turns YAML into plain data and these
classes validate it; cross-references between documents are checked in
``checks.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import Strict as StrictType

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"  # lowercase letters, digits and hyphens
ID_MAX = 64
LETTER = r"^[a-z]$"  # a choice letter
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=500)]
WEB_ADDRESS = r"^https?://[^\s]+$"  # never javascript: or file:, which a link would run or open
WebAddress = Annotated[str, StringConstraints(pattern=WEB_ADDRESS, max_length=500)]
# A whole number as written: never true/false, which pydantic would read as 1 or 0 (`minutes: true`).
Number = Annotated[int, StrictType()]
Audience = Literal["soldier", "leader", "civilian"]
Bloom = Literal["remember", "understand", "apply", "analyze", "evaluate", "create"]
Method = Literal["lecture", "discussion", "case-study", "demonstration", "practical", "check"]
PageSize = Literal["A4", "Letter"]


class Strict(BaseModel):
    """Base for every content record: unknown keys are errors (likely typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ForAudiences(Strict):
    """A part of a module that only some audiences see (empty: every audience)."""

    audiences: list[Audience] = Field(
        [], description="show this only in packs for these audiences; empty or absent: every audience"
    )

    def shown_to(self, audience: str) -> bool:
        """Return whether a pack for this audience shows this part."""
        return not self.audiences or audience in self.audiences


# ---------------------------------------------------------------- sources


class Source(Strict):
    """A bibliographic record that modules cite by id."""

    id: Id
    title: Line
    publisher: Line
    date: datetime.date
    url: WebAddress | None = None
    authors: list[Line] = []
    reliability: Text
    file: Line | None = Field(None, description="local copy of the text, for `emcon check --sources`")


class GlossaryTerm(Strict):
    """A term a module can reference; defined once for the curriculum."""

    id: Id
    term: Line
    definition: Text
    expansion: Line | None = Field(None, description="what an abbreviation stands for")
    background: bool = Field(False, description="general background beyond the sources: learners see it marked")


# ---------------------------------------------------------------- modules


class Objective(Strict):
    """An enabling objective in lesson-plan form."""

    id: Id
    action: Line
    condition: Line
    standard: Line
    bloom: Bloom


class Figure(Strict):
    """An SVG or raster image with the words a reader without sight needs."""

    file: Line = Field(description="path relative to content/, e.g. figures/towers.svg")
    caption: Line
    alt: Line


class Section(ForAudiences):
    heading: Line
    body: Text
    background: bool = Field(False, description="general background beyond the sources")
    figure: Figure | None = None


class Quote(ForAudiences):
    text: Text = Field(description="verbatim, character for character, as in the source")
    speaker: Line
    role: Line | None = None
    source: Id
    context: Line | None = None


class CaseStudy(ForAudiences):
    title: Line
    body: Text
    lessons: list[Line] = []
    sources: list[Id] = Field(min_length=1)


class Rules(Strict):
    do: list[Line] = Field(min_length=1)
    dont: list[Line] = Field(min_length=1)


class Discussion(ForAudiences):
    question: Line
    good_answer: Text = Field(description="instructor note: what a good answer contains")
    watch_for: Text | None = Field(None, description="instructor note: misconceptions to watch for")


# What a learning step puts in front of the class: a part of its module, by field and index.
SHOW_REF = r"^((sections|case_studies|quotes|discussion|exercises)\[[0-9]+\]|rules|key_points|objectives)$"
ShowRef = Annotated[str, StringConstraints(pattern=SHOW_REF)]
SHOWN_PARTS = ("sections", "case_studies", "quotes", "discussion", "exercises")  # the parts a step names by index


class Step(ForAudiences):
    """A learning step of the lesson plan, with the instructor's script for it."""

    title: Line
    method: Method
    minutes: Number = Field(ge=1, le=240)
    objectives: list[Id] = []
    shows: list[ShowRef] = Field(
        [],
        description="the module's parts this step shows, in teaching order; slides follow it",
        examples=[["sections[0]", "quotes[1]", "case_studies[0]", "rules"]],
    )
    say: Text | None = Field(None, description="instructor script: what to say and do in this step")
    ask: Line | None = Field(None, description="instructor script: the question to put to the class")
    listen_for: Text | None = Field(None, description="instructor script: the answer to draw out")


class Material(Strict):
    """A document an exercise hands to learners (a unit phone policy, a scenario map)."""

    title: Line
    body: Text


class RubricRow(Strict):
    """One GO/NO-GO criterion of an exercise."""

    criterion: Line
    go: Line
    no_go: Line


class Exercise(ForAudiences):
    """A practical exercise: learners do the thing the objective asks, and are judged GO or NO-GO."""

    id: Id
    title: Line
    minutes: Number = Field(ge=1, le=240)
    objectives: list[Id] = Field(min_length=1)
    scenario: Text = Field(description="learner: the situation")
    task: Text = Field(description="learner: what to do and hand in")
    material: list[Material] = Field([], description="learner: documents the task needs, printed in the handout")
    rubric: list[RubricRow] = Field(min_length=1, description="instructor: GO / NO-GO criteria")
    expected: Text = Field(description="instructor: what a GO answer contains")


class AudienceVariant(Strict):
    """What a module says differently to one audience: each given field replaces the module's own."""

    summary: Text | None = None
    key_points: list[Line] | None = None
    rules: Rules | None = None


class Choice(Strict):
    text: Line
    pin: bool = Field(False, description="keep this choice in place when shuffling")


def _choice_from_text(value: object) -> object:
    # Anything but a mapping is meant as the text, so `- No` (a YAML boolean) is reported as such.
    return value if isinstance(value, dict) else {"text": value}


# Authors write a plain string, or a mapping when a choice needs `pin`.
ChoiceLike = Annotated[Choice, BeforeValidator(_choice_from_text, json_schema_input_type=Line | Choice)]


class QuizBase(ForAudiences):
    id: Id
    objective: Id
    prompt: Text
    explanation: Text | None = None
    source: Id
    points: Number = Field(1, ge=1, le=100)


def _one_answer(value: object) -> object:
    # A list under a single-choice item is a common slip: say what is meant instead of "expected text".
    if not isinstance(value, list):
        return value
    if len(value) == 1:
        return value[0]
    if not value:
        raise ValueError("names no correct answer; a single-choice item needs exactly one, e.g. `answer: b`")
    named = ", ".join(str(v) for v in value)
    raise ValueError(
        f"names {len(value)} correct answers ({named}); "
        "a single-choice item has exactly one: use `type: multiple` for several"
    )


class ChoiceItem(QuizBase):
    """An item answered by marking choices, lettered a, b, c in the order written."""

    choices: list[ChoiceLike] = Field(min_length=2, max_length=26)

    @property
    def lettered(self) -> list[tuple[str, Choice]]:
        """Return (letter, choice) for each choice, as authored."""
        return list(zip(letters(len(self.choices)), self.choices, strict=True))


class SingleChoice(ChoiceItem):
    type: Literal["single"]
    answer: Annotated[str, BeforeValidator(_one_answer), StringConstraints(pattern=LETTER)]

    @property
    def correct(self) -> list[str]:
        """Return the letters of the correct choices (one)."""
        return [self.answer]


class MultipleResponse(ChoiceItem):
    type: Literal["multiple"]
    answer: list[Annotated[str, StringConstraints(pattern=LETTER)]] = Field(min_length=1)

    @property
    def correct(self) -> list[str]:
        """Return the letters of the correct choices."""
        return list(self.answer)


class TrueFalse(QuizBase):
    type: Literal["true-false"]
    answer: bool


class ShortAnswer(QuizBase):
    type: Literal["short"]
    answer: list[Line] = Field(min_length=1, description="accepted answers, first is the model answer")


class Pair(Strict):
    left: Line
    right: Line


class Matching(QuizBase):
    type: Literal["matching"]
    pairs: list[Pair]


class Ordering(QuizBase):
    type: Literal["ordering"]
    sequence: list[Line] = Field(min_length=2, description="the items in their correct order")


QuizItem = Annotated[
    SingleChoice | MultipleResponse | TrueFalse | ShortAnswer | Matching | Ordering,
    Field(discriminator="type"),
]


class Module(Strict):
    """One lesson."""

    id: Id
    title: Line
    summary: Text
    audience: list[Audience] = Field(min_length=1)
    minutes: Number = Field(ge=1, le=480)
    objectives: list[Objective] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    key_points: list[Line] = Field(min_length=1)
    rules: Rules | None = None
    case_studies: list[CaseStudy] = []
    quotes: list[Quote] = []
    discussion: list[Discussion] = []
    instructor_notes: list[Text] = []
    steps: list[Step] = []
    exercises: list[Exercise] = []
    glossary: list[Id] = []
    quiz: list[QuizItem] = []
    per_audience: dict[Audience, AudienceVariant] = Field(
        {}, description="text that one audience reads instead of the module's own, e.g. civilian rules"
    )

    def for_audience(self, audience: str) -> Module:
        """Return this module as a pack for the audience shows it: its parts for others left out."""
        variant = self.per_audience.get(audience)
        replaced = {k: getattr(variant, k) for k in variant.model_dump(exclude_none=True)} if variant else {}
        renumbered = {}  # "quotes[2]" -> "quotes[1]" once quotes[1] is left out; absent: left out
        kept = {}
        for name in SHOWN_PARTS:
            parts = [(i, part) for i, part in enumerate(getattr(self, name)) if part.shown_to(audience)]
            kept[name] = [part for _, part in parts]
            renumbered |= {f"{name}[{i}]": f"{name}[{j}]" for j, (i, _) in enumerate(parts)}
        # A step names parts by their place in the module as written; in the audience's copy the places move.
        kept["steps"] = [
            step.model_copy(
                update={
                    "shows": [renumbered.get(ref, ref) for ref in step.shows if ref in renumbered or "[" not in ref]
                }
            )
            for step in self.steps
            if step.shown_to(audience)
        ]
        kept["quiz"] = [item for item in self.quiz if item.shown_to(audience)]
        # Variants were validated on their own, so no new validation is needed, only new values.
        return self.model_copy(update=kept | replaced)

    def cited_sources(self) -> set[str]:
        """Return the ids of the sources this module's quotes, case studies and quiz items cite."""
        cited = {q.source for q in self.quotes} | {q.source for q in self.quiz}
        return cited | {s for c in self.case_studies for s in c.sources}


# ---------------------------------------------------------------- packs


class TerminalObjective(Strict):
    action: Line
    condition: Line
    standard: Line


FormField = Literal["name", "unit", "date", "group", "student-number"]


class QuizSettings(Strict):
    questions: Number = Field(10, ge=1, le=500, description="questions drawn into each form")
    forms: Number = Field(2, ge=1, le=26)
    seed: Number = 1
    minutes: Number = Field(15, ge=1, le=240, description="time allowed; the timetable gives the quiz this time")
    pass_mark: Number = Field(80, ge=1, le=100, description="percent of the points needed to pass")
    fields: list[FormField] = Field(
        ["name", "unit", "date"], min_length=1, description="what a learner writes at the top of a quiz form"
    )
    answer_sheets: bool = Field(False, description="print bubble answer sheets that `emcon grade` reads")


# A line of the pocket card: short enough that three fit one side of 85 x 55 mm in 7 pt type.
CARD_LINE_CHARS = 90
CardLine = Annotated[str, StringConstraints(min_length=1, max_length=CARD_LINE_CHARS)]


class PocketCard(Strict):
    """What a pack's pocket card shows; an empty list is filled from the modules."""

    remember: list[CardLine] = Field(
        [], max_length=3, description="three things to remember (default: first key point of the first three modules)"
    )
    do: list[CardLine] = Field([], max_length=3, description="do rules (default: picked from the modules' rules)")
    dont: list[CardLine] = Field([], max_length=3, description="don't rules (default: picked from the modules' rules)")


RiskLevel = Literal["low", "medium", "high", "extremely-high"]


class AdminData(Strict):
    """What a training manager needs before the lesson: risk, safety, ratio, equipment, rooms, references."""

    risk_level: RiskLevel = Field("low", description="the residual risk after controls (ATP 5-19 levels)")
    safety: list[Line] = Field([], description="safety considerations and their controls, briefed at the opening")
    environment: list[Line] = Field([], description="environmental considerations")
    ratio: Line | None = Field(None, description="instructors to students, e.g. '1:30'")
    equipment: list[Line] = Field([], description="equipment the instructor brings or sets up")
    classroom: list[Line] = Field([], description="classroom and audio-visual needs")
    references: list[Line] = Field([], description="doctrine and references beyond the cited sources")


class Pack(Strict):
    """A set of modules taught together, with its markings and settings."""

    id: Id
    title: Line
    subtitle: Line | None = None
    audience: Audience
    minutes: Number = Field(ge=1, le=2400)
    version: Line = "1.0"
    date: datetime.date
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    page_size: PageSize = "A4"
    classification: Line = "UNCLASSIFIED // FOR TRAINING USE"
    distribution: Line = "DISTRIBUTION A. Approved for public release: distribution unlimited."
    modules: list[Id] = Field(min_length=1)
    terminal_objective: TerminalObjective | None = None
    prerequisites: list[Line] = []
    materials: list[Line] = []
    opening: list[Step] = Field([], description="steps before the first module (introduction)")
    closing: list[Step] = Field([], description="steps after the last module (check on learning, summary)")
    admin: AdminData = AdminData()
    card: PocketCard = PocketCard()
    quiz: QuizSettings = QuizSettings()  # modules listed twice: checks.check_references, with the line


@dataclass(frozen=True)
class Curriculum:
    """Everything loaded from one project: built once, passed to every stage."""

    modules: dict[str, Module]
    packs: dict[str, Pack]
    sources: dict[str, Source]
    glossary: dict[str, GlossaryTerm]

    def pack_modules(self, pack: Pack) -> list[Module]:
        """Return the pack's modules in teaching order, as the pack's audience reads them."""
        return [self.modules[m].for_audience(pack.audience) for m in pack.modules]


def pack_timing(pack: Pack, modules: list[Module]) -> dict[str, int]:
    """Return the minutes of a pack's opening, modules, closing and written quiz (0 if it draws none)."""
    return {
        "opening": sum(s.minutes for s in pack.opening),
        "modules": sum(m.minutes for m in modules),
        "closing": sum(s.minutes for s in pack.closing),
        "quiz": pack.quiz.minutes if any(m.quiz for m in modules) else 0,
    }


def letters(n: int) -> list[str]:
    """Return the first n choice letters: a, b, c, ..."""
    return [chr(ord("a") + i) for i in range(n)]
