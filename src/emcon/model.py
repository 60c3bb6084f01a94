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
from pydantic.json_schema import SkipJsonSchema

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
# true or false as written: never "yes" or "no" in quotes, which pydantic would read as a boolean and an editor as text.
Flag = Annotated[bool, StrictType()]
# An audience is an id; a project declares its audiences in emcon.yaml (settings.py), checked in checks.py.
Audience = Id
Bloom = Literal["remember", "understand", "apply", "analyze", "evaluate", "create"]
Method = Literal["lecture", "discussion", "case-study", "demonstration", "practical", "check"]
PageSize = Literal["A4", "Letter"]
LANGUAGE = r"^[a-z]{2}(-[A-Z]{2})?$"  # en, uk, en-GB
Language = Annotated[str, StringConstraints(pattern=LANGUAGE)]
# A marking may be empty: a pack can print none.
MarkingLine = Annotated[str, StringConstraints(max_length=500)]
NO_COPY = "none"  # a source's `file` when there is no local copy to check quotes against


class Strict(BaseModel):
    """Base for every content record: unknown keys are errors (likely typos)."""

    # A field's docstring is its description in `emcon schema`: the one place that documents it.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ForAudiences(Strict):
    """A part of a module that only some audiences see (empty: every audience)."""

    audiences: list[Audience] = []
    """show this only in packs for these audiences; empty or absent: every audience"""

    def shown_to(self, audience: str) -> bool:
        """Return whether a pack for this audience shows this part."""
        return not self.audiences or audience in self.audiences


# ---------------------------------------------------------------- sources


class Source(Strict):
    """A bibliographic record that modules cite by id."""

    id: Id = Field(examples=["handbook-2024"])
    """what quotes, case studies and quiz items write to cite this source"""
    title: Line
    """the title of the article, report or book, as published"""
    publisher: Line
    """who published it, e.g. a newspaper, an agency or a ministry"""
    date: datetime.date = Field(examples=["2023-01-04"])
    """the date of publication, as YYYY-MM-DD"""
    url: WebAddress | None = Field(None, examples=["https://example.org/report"])
    """where it can be read on the web: an http(s):// address, or null"""
    authors: list[Line] = []
    """the authors, one a line, as credited"""
    reliability: Text
    """how far the source can be trusted and how to use its claims; readers see it in the bibliography"""
    file: Line | None = Field(None, examples=["handbook-2024.txt", NO_COPY])
    """the local copy of the source's text, a file in the folder given to `emcon check --sources DIR`, which
    checks every quote against it; `none` when there is no local copy (a web page only): its quotes are then
    reported as not verified"""


class GlossaryTerm(Strict):
    """A term a module can reference; defined once for the curriculum."""

    id: Id = Field(examples=["first-aid"])
    """what a module's `glossary` list writes to show this term"""
    term: Line = Field(examples=["CPR"])
    """the word or abbreviation as readers meet it"""
    definition: Text
    """what it means, in a sentence or two of plain language"""
    expansion: Line | None = Field(None, examples=["cardiopulmonary resuscitation"])
    """what an abbreviation stands for"""
    background: Flag = False
    """general background beyond the sources: learners see it marked"""


# ---------------------------------------------------------------- modules


class Objective(Strict):
    """An enabling objective in lesson-plan form."""

    id: Id = Field(examples=["explain-the-rule"])
    """what steps, exercises and quiz items write to name this objective"""
    action: Line = Field(examples=["Explain why the rule protects the people it applies to"])
    """what the learner does: an observable verb first"""
    condition: Line
    """the situation or what the learner is given"""
    standard: Line
    """how well: what an observer checks to judge it done"""
    bloom: Bloom
    """the level of Bloom's taxonomy the action asks for"""


class Figure(Strict):
    """An SVG or raster image with the words a reader without sight needs."""

    file: Line = Field(examples=["figures/diagram.svg"])
    """the image file, as a path relative to content/"""
    caption: Line
    """printed under the figure"""
    alt: Line
    """what the figure shows, for a reader who cannot see it"""


class Section(ForAudiences):
    """A part of the lesson's text, with an optional figure."""

    heading: Line
    """the section's heading"""
    body: Text
    """the text, in Markdown"""
    background: Flag = False
    """general background beyond the sources: learners see it marked"""
    figure: Figure | None = None
    """an image shown with the section"""


class Quote(ForAudiences):
    """Words someone said or wrote, quoted from a source."""

    text: Text
    """verbatim, character for character, as in the source"""
    speaker: Line
    """who said or wrote it"""
    role: Line | None = None
    """the speaker's position, printed after the name"""
    source: Id
    """the id of the source (sources.yaml) that reports the words"""
    context: Line | None = None
    """when and where it was said, for instructors and reviewers"""
    original: SkipJsonSchema[Text | None] = None  # not in the schema: an editor must not offer it
    """set by the translation of a pack, never written: the quote as in its source, printed beside the translation"""


class CaseStudy(ForAudiences):
    """A real event told as the sources report it, with its lessons."""

    title: Line
    """the case's title"""
    body: Text
    """what happened, in Markdown"""
    lessons: list[Line] = []
    """what to learn from it, one line each"""
    sources: list[Id] = Field(min_length=1)
    """the ids of the sources (sources.yaml) the case is told from"""


class Rules(Strict):
    """The module's rules, as short commands."""

    do: list[Line] = Field(min_length=1, examples=[["Check the pressure gauge before each shift."]])
    """what to do, one short command each"""
    dont: list[Line] = Field(min_length=1)
    """what not to do, one short command each"""


class Discussion(ForAudiences):
    """A question for the class to discuss."""

    question: Line
    """the question put to the class"""
    good_answer: Text
    """instructor note: what a good answer contains"""
    watch_for: Text | None = None
    """instructor note: misconceptions to watch for"""


# What a learning step puts in front of the class: a part of its module, by field and index.
SHOW_REF = r"^((sections|case_studies|quotes|discussion|exercises)\[[0-9]+\]|rules|key_points|objectives)$"
ShowRef = Annotated[str, StringConstraints(pattern=SHOW_REF)]
SHOWN_PARTS = ("sections", "case_studies", "quotes", "discussion", "exercises")  # the parts a step names by index


class Step(ForAudiences):
    """A learning step of the lesson plan, with the instructor's script for it."""

    title: Line
    """what the step is called in the lesson plan"""
    method: Method
    """how it is taught"""
    minutes: Number = Field(ge=1, le=240)
    """teaching time; a module's steps add up to its minutes"""
    objectives: list[Id] = []
    """the ids of the objectives this step teaches"""
    shows: list[ShowRef] = Field([], examples=[["sections[0]", "quotes[1]", "case_studies[0]", "rules"]])
    """the module's parts this step shows, in teaching order; slides follow it"""
    say: Text | None = None
    """instructor script: what to say and do in this step"""
    ask: Line | None = None
    """instructor script: the question to put to the class"""
    listen_for: Text | None = None
    """instructor script: the answer to draw out"""


class Material(Strict):
    """A document an exercise hands to learners (a policy, a scenario map)."""

    title: Line
    """the document's title"""
    body: Text
    """the document, in Markdown"""


class RubricRow(Strict):
    """One GO/NO-GO criterion of an exercise."""

    criterion: Line
    """what the instructor judges"""
    go: Line
    """what a GO looks like"""
    no_go: Line
    """what a NO-GO looks like"""


class Exercise(ForAudiences):
    """A practical exercise: learners do the thing the objective asks, and are judged GO or NO-GO."""

    id: Id
    """what a step's `shows` and the handout use to name this exercise"""
    title: Line
    """the exercise's title"""
    minutes: Number = Field(ge=1, le=240)
    """the time the exercise takes"""
    objectives: list[Id] = Field(min_length=1)
    """the ids of the objectives it practises"""
    scenario: Text
    """learner: the situation"""
    task: Text
    """learner: what to do and hand in"""
    material: list[Material] = []
    """learner: documents the task needs, printed in the handout"""
    rubric: list[RubricRow] = Field(min_length=1)
    """instructor: GO / NO-GO criteria"""
    expected: Text
    """instructor: what a GO answer contains"""


class AudienceVariant(Strict):
    """What a module says differently to one audience: each given field replaces the module's own."""

    summary: Text | None = None
    """this audience's summary instead of the module's"""
    key_points: list[Line] | None = None
    """this audience's key points instead of the module's"""
    rules: Rules | None = None
    """this audience's rules instead of the module's"""


class Choice(Strict):
    """A choice written as a mapping, when it needs `pin`."""

    text: Line
    """the choice as learners read it"""
    pin: Flag = False
    """keep this choice in place when shuffling"""


def _choice_from_text(value: object) -> object:
    # Anything but a mapping is meant as the text, so `- No` (a YAML boolean) is reported as such.
    return value if isinstance(value, dict) else {"text": value}


# Authors write a plain string, or a mapping when a choice needs `pin`.
ChoiceLike = Annotated[Choice, BeforeValidator(_choice_from_text, json_schema_input_type=Line | Choice)]


class QuizBase(ForAudiences):
    """What every quiz item has, whatever its type."""

    id: Id = Field(examples=["intro-1"])
    """unique in the curriculum; the answer key and the LMS exports name the item by it"""
    objective: Id
    """the id of the module's objective this item assesses"""
    prompt: Text
    """the question, in Markdown"""
    explanation: Text | None = None
    """why the answer is right, shown in the answer key and after answering in an LMS"""
    source: Id
    """the id of the source (sources.yaml) the answer comes from"""
    points: Number = Field(1, ge=1, le=100)
    """what a correct answer scores"""


def editor_message(text: str) -> dict:
    """Return the schema keyword that makes editors say this, not a generic message, for a wrong value."""
    return {"errorMessage": text}  # read by yaml-language-server and VS Code; plain validators ignore it


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
    """the choices, lettered a, b, c in the order written: text, or {text, pin}"""

    @property
    def lettered(self) -> list[tuple[str, Choice]]:
        """Return (letter, choice) for each choice, as authored."""
        return list(zip(letters(len(self.choices)), self.choices, strict=True))


class SingleChoice(ChoiceItem):
    """A choice item with exactly one correct choice."""

    type: Literal["single"]
    """one correct choice"""
    answer: Annotated[str, StringConstraints(pattern=LETTER), BeforeValidator(_one_answer)] = Field(
        examples=["b"], json_schema_extra=editor_message("single-choice needs exactly one correct choice: `answer: b`")
    )
    """the letter of the correct choice"""

    @property
    def correct(self) -> list[str]:
        """Return the letters of the correct choices (one)."""
        return [self.answer]


class MultipleResponse(ChoiceItem):
    """A choice item where learners mark every correct choice."""

    type: Literal["multiple"]
    """one or more correct choices"""
    answer: list[Annotated[str, StringConstraints(pattern=LETTER)]] = Field(min_length=1, examples=[["a", "c"]])
    """the letters of every correct choice"""

    @property
    def correct(self) -> list[str]:
        """Return the letters of the correct choices."""
        return list(self.answer)


class TrueFalse(QuizBase):
    """A statement that is true or false."""

    type: Literal["true-false"]
    """a statement, true or false"""
    answer: Flag = Field(json_schema_extra=editor_message("true-false needs `answer: true` or `answer: false`"))
    """whether the prompt is true: `true` or `false`"""


class ShortAnswer(QuizBase):
    """A question answered in a few words."""

    type: Literal["short"]
    """a few words, written in"""
    answer: list[Line] = Field(min_length=1, examples=[["fire blanket", "fire-blanket"]])
    """accepted answers, first is the model answer"""


class Pair(Strict):
    """A prompt and the answer it matches."""

    left: Line
    """the prompt, in the left column"""
    right: Line
    """its match, shuffled into the right column"""


class Matching(QuizBase):
    """Prompts to match with their answers."""

    type: Literal["matching"]
    """pairs to match"""
    pairs: list[Pair]
    """the matching pairs, each as it is correct"""


class Ordering(QuizBase):
    """Steps or events to put in order."""

    type: Literal["ordering"]
    """steps to put in order"""
    sequence: list[Line] = Field(min_length=2)
    """the items in their correct order; forms shuffle them"""


QuizItem = Annotated[
    SingleChoice | MultipleResponse | TrueFalse | ShortAnswer | Matching | Ordering,
    Field(discriminator="type"),
]


class Module(Strict):
    """One lesson."""

    id: Id = Field(examples=["first-steps"])
    """the module's id: must equal the file name without .yaml"""
    title: Line
    """the lesson's title, as headings and slides show it"""
    summary: Text
    """one paragraph: what the lesson is about and why it matters"""
    audience: list[Audience] = Field(min_length=1)
    """the audiences this lesson is written for"""
    minutes: Number = Field(ge=1, le=480, examples=[8])
    """teaching time; the steps add up to it"""
    objectives: list[Objective] = Field(min_length=1)
    """enabling objectives in lesson-plan form, 2-4"""
    sections: list[Section] = Field(min_length=1)
    """the lesson's text, part by part"""
    key_points: list[Line] = Field(min_length=1)
    """what learners should remember, one line each"""
    rules: Rules | None = None
    """do and don't rules; the pocket card picks from them"""
    case_studies: list[CaseStudy] = []
    """real events the lesson teaches from"""
    quotes: list[Quote] = []
    """verbatim quotes from the sources"""
    discussion: list[Discussion] = []
    """questions for the class, with notes for the instructor"""
    instructor_notes: list[Text] = []
    """notes for the instructor only, in Markdown"""
    steps: list[Step] = []
    """the lesson plan: learning steps whose minutes add up to the module's"""
    exercises: list[Exercise] = []
    """practical exercises, judged GO or NO-GO"""
    glossary: list[Id] = Field([], examples=[["cpr", "aed"]])
    """the ids of the glossary terms (glossary.yaml) this lesson uses"""
    quiz: list[QuizItem] = []
    """quiz items, at least 6, together assessing every objective"""
    per_audience: dict[Audience, AudienceVariant] = {}
    """text that one audience reads instead of the module's own, e.g. its own rules"""

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
    """What learners can do at the end of the pack, in lesson-plan form."""

    action: Line
    """what the learner does: an observable verb first"""
    condition: Line
    """the situation in which they do it"""
    standard: Line
    """how well: what shows it is done"""


class QuizSettings(Strict):
    """How the pack's printed quiz is drawn and marked."""

    questions: Number = Field(10, ge=1, le=500)
    """questions drawn into each form"""
    forms: Number = Field(2, ge=1, le=26)
    """how many forms (A, B, ...): the same questions, each form in its own order"""
    seed: Number = Field(1, examples=[2023])
    """picks the draw and the orders; the same seed gives the same forms on every build"""
    minutes: Number = Field(15, ge=1, le=240)
    """time allowed; the timetable gives the quiz this time"""
    pass_mark: Number = Field(80, ge=1, le=100)
    """percent of the points needed to pass"""
    fields: list[Id] | None = Field(None, min_length=1, examples=[["name", "date"]])
    """ids of the fields a learner fills in at the top of a quiz form (emcon.yaml's quiz_fields);
    absent: every field emcon.yaml declares (without any: name and date)"""
    answer_sheets: Flag = False
    """print bubble answer sheets that `emcon grade` reads"""


# A line of the pocket card: short enough that three fit one side of 85 x 55 mm in 7 pt type.
CARD_LINE_CHARS = 90
CardLine = Annotated[str, StringConstraints(min_length=1, max_length=CARD_LINE_CHARS)]


class PocketCard(Strict):
    """What a pack's pocket card shows; an empty list is filled from the modules."""

    remember: list[CardLine] = Field([], max_length=3)
    """three things to remember (default: first key point of the first three modules)"""
    do: list[CardLine] = Field([], max_length=3)
    """do rules (default: picked from the modules' rules)"""
    dont: list[CardLine] = Field([], max_length=3)
    """don't rules (default: picked from the modules' rules)"""


RiskLevel = Literal["low", "medium", "high", "extremely-high"]


class AdminData(Strict):
    """What a training manager needs before the lesson: risk, safety, ratio, equipment, rooms, references."""

    risk_level: RiskLevel | None = None
    """the residual risk after controls: low, medium, high or extremely-high (left out: the guide says to assess it)"""
    safety: list[Line] = []
    """safety considerations and their controls, briefed at the opening"""
    environment: list[Line] = []
    """environmental considerations"""
    ratio: Line | None = Field(None, examples=["1:30"])
    """instructors to students"""
    equipment: list[Line] = []
    """equipment the instructor brings or sets up"""
    classroom: list[Line] = []
    """classroom and audio-visual needs"""
    references: list[Line] = []
    """doctrine and references beyond the cited sources"""


class Pack(Strict):
    """A set of modules taught together, with its markings and settings."""

    id: Id = Field(examples=["induction"])
    """the pack's id: must equal the file name without .yaml; its outputs go to build/<id>/"""
    title: Line
    """the title on the cover of every output"""
    subtitle: Line | None = None
    """a line under the title"""
    audience: Audience
    """who the pack is for: modules show the parts meant for this audience"""
    minutes: Number = Field(ge=1, le=2400, examples=[45])
    """total time: the modules' minutes plus the opening and closing steps"""
    version: Line = "1.0"
    """the edition, printed with the date"""
    date: datetime.date = Field(examples=["2026-11-22"])
    """the edition's date, as YYYY-MM-DD; printed on the cover (builds never read the clock)"""
    language: Language | None = Field(None, examples=["en", "uk"])
    """the language of the pack: picks templates/strings/<language>.yaml; absent: emcon.yaml's language"""
    translates: Id | None = Field(None, examples=["induction"])
    """the pack this one translates: it takes that pack's keys but id and language, its texts from the catalog"""
    page_size: PageSize | None = None
    """the paper of the printed outputs; absent: emcon.yaml's page_size"""
    classification: MarkingLine | None = None
    """the classification banner printed on every page; absent: emcon.yaml's markings; empty text: no banner"""
    distribution: MarkingLine | None = None
    """the distribution statement on covers and title slides; absent: emcon.yaml's markings; empty text: none"""
    modules: list[Id] = Field(min_length=1, examples=[["first-steps", "raising-the-alarm"]])
    """the ids of the modules, in teaching order"""
    terminal_objective: TerminalObjective | None = None
    """what learners can do at the end of the pack"""
    prerequisites: list[Line] = []
    """what learners must know or have done before"""
    materials: list[Line] = []
    """what the instructor needs to teach the pack"""
    opening: list[Step] = []
    """steps before the first module (introduction)"""
    closing: list[Step] = []
    """steps after the last module (check on learning, summary)"""
    admin: AdminData = AdminData()
    """administrative data for the instructor guide"""
    card: PocketCard = PocketCard()
    """what the pocket card shows"""
    quiz: QuizSettings = QuizSettings()  # modules listed twice: checks.check_references, with the line
    """how the printed quiz is drawn, timed and marked"""


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
