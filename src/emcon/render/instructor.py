"""The instructor guide: a lesson plan with timetable, notes, blueprint and keys."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Module, Objective, Pack, letters
from ..outputs import Output
from ..quiz import Form
from .context import PackContext


@dataclass(frozen=True)
class Slot:
    """One row of the timetable: a learning step and the minute it starts."""

    start: int  # minutes from the start of the lesson
    title: str
    method: str | None  # None when a module has no steps of its own
    minutes: int
    objectives: tuple[str, ...]
    module: Module | None  # None for the pack's opening and closing steps

    @property
    def clock(self) -> str:
        return clock(self.start)


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
    slots = timetable(ctx.pack, ctx.modules)
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
    )
    return [Output("instructor-pdf", "instructor.pdf", pdf=job)]


def clock(minutes: int) -> str:
    """Return minutes from the start as a running clock, e.g. 01:05."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timetable(pack: Pack, modules: list[Module]) -> list[Slot]:
    """Return every learning step of the pack in teaching order, with its start time."""
    rows: list[tuple] = [(s.title, s.method, s.minutes, tuple(s.objectives), None) for s in pack.opening]
    for module in modules:
        if module.steps:
            rows += [(s.title, s.method, s.minutes, tuple(s.objectives), module) for s in module.steps]
        else:  # a module without steps is one block of its minutes
            rows.append((module.title, None, module.minutes, tuple(o.id for o in module.objectives), module))
    rows += [(s.title, s.method, s.minutes, tuple(s.objectives), None) for s in pack.closing]
    slots, start = [], 0
    for title, method, minutes, objectives, module in rows:
        slots.append(Slot(start, title, method, minutes, objectives, module))
        start += minutes
    return slots


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
