"""The instructor guide: a lesson plan with timetable, notes, blueprint and keys."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Module, Objective, Pack, Step, letters, pack_timing
from ..outputs import Output
from ..quiz import Form, points_to_pass
from .context import PackContext

# Which step a slide or a timetable row belongs to: ("opening", i), ("module", i) with the
# module's id as third part, ("closing", i) or ("quiz", 0). The slide plan names each slide's step
# this way, so that the guide can cue "slides 5-8" for the step.
StepKey = tuple


@dataclass(frozen=True)
class Slot:
    """One row of the timetable: a learning step and the minute it starts."""

    start: int  # minutes from the start of the lesson
    title: str
    method: str | None  # None when a module has no steps of its own
    minutes: int
    objectives: tuple[str, ...]
    module: Module | None  # None for the pack's opening and closing steps and the quiz
    part: str = "module"  # opening, module, closing or quiz
    step: Step | None = None  # the step with its script; None for a module without steps and the quiz
    index: int = 0  # the step's place in its part

    @property
    def clock(self) -> str:
        return clock(self.start)

    @property
    def key(self) -> StepKey:
        """Return the key that names this step in the slide plan."""
        return ("module", self.index, self.module.id) if self.module else (self.part, self.index)


@dataclass(frozen=True)
class BlueprintRow:
    """One enabling objective, the quiz items that assess it, and where the forms ask them."""

    number: str  # "2.1": module 2, objective 1
    module: Module
    objective: Objective
    items: tuple[str, ...]
    questions: dict[str, tuple[int, ...]]  # form letter -> numbers of the questions that test it

    @property
    def untested(self) -> bool:
        """Return whether no quiz item tests the objective."""
        return not self.items

    @property
    def undrawn(self) -> bool:
        """Return whether the objective has items but none is on the forms."""
        return bool(self.items) and not any(self.questions.values())


def render(ctx: PackContext) -> list[Output]:
    """Return the instructor guide PDF."""
    slots = timetable(ctx.pack, ctx.modules, ctx.strings["written_quiz"])
    forms = ctx.forms
    rows = blueprint(ctx.modules, forms)
    job = ctx.pdf_job(
        "instructor.html",
        slots=slots,
        total=clock(sum(s.minutes for s in slots)),
        forms=forms,
        blueprint=rows,
        numbers={(row.module.id, row.objective.id): row.number for row in rows},  # "2.1" by module and objective
        letters=letters,
        cues=slide_cues(ctx.slide_steps),
        timing=pack_timing(ctx.pack, ctx.modules),
        to_pass=points_to_pass,
    )
    return [Output("instructor-pdf", "instructor.pdf", pdf=job)]


def clock(minutes: int) -> str:
    """Return minutes from the start as a running clock, e.g. 01:05."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timetable(pack: Pack, modules: list[Module], quiz_title: str = "Written quiz") -> list[Slot]:
    """Return every learning step of the pack in teaching order, with its start time; the written quiz last."""
    rows = [_step_slot(s, "opening", i, None) for i, s in enumerate(pack.opening)]
    for module in modules:
        if module.steps:
            rows += [_step_slot(s, "module", i, module) for i, s in enumerate(module.steps)]
        else:  # a module without steps is one block of its minutes
            objectives = tuple(o.id for o in module.objectives)
            rows.append(Slot(0, module.title, None, module.minutes, objectives, module))
    rows += [_step_slot(s, "closing", i, None) for i, s in enumerate(pack.closing)]
    quiz = pack_timing(pack, modules)["quiz"]
    if quiz:
        rows.append(Slot(0, quiz_title, "check", quiz, (), None, part="quiz"))
    slots, start = [], 0
    for row in rows:
        slots.append(replace(row, start=start))
        start += row.minutes
    return slots


def _step_slot(step: Step, part: str, index: int, module: Module | None) -> Slot:
    return Slot(0, step.title, step.method, step.minutes, tuple(step.objectives), module, part, step, index)


def slide_cues(slide_steps: list[StepKey | None]) -> dict[StepKey, tuple[int, int]]:
    """Return the first and last slide of each step, given the step of every slide in deck order."""
    cues: dict[StepKey, tuple[int, int]] = {}
    for number, key in enumerate(slide_steps, 1):
        if key is not None:
            first = cues.get(key, (number, number))[0]
            cues[key] = (first, number)
    return cues


def blueprint(modules: list[Module], forms: list[Form]) -> list[BlueprintRow]:
    """Return every enabling objective with the quiz items and form questions that assess it."""
    rows = []
    for n, module in enumerate(modules, 1):
        for i, objective in enumerate(module.objectives, 1):
            items = tuple(q.id for q in module.quiz if q.objective == objective.id)
            questions = {
                form.letter: tuple(q.number for q in form.questions if q.module.id == module.id and q.item.id in items)
                for form in forms
            }
            rows.append(BlueprintRow(f"{n}.{i}", module, objective, items, questions))
    return rows
