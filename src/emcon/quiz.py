"""Quiz forms: a seeded draw of a pack's quiz items, shuffled into forms A, B, ...

Every form of a pack holds the same drawn items, so forms are equally hard and
score out of the same total; each form shuffles the question order and the
parts of each question (choices, except pinned ones; matching sides; ordering
steps). Randomness comes only from `random.Random` instances seeded from the
pack id and its quiz seed: the same content gives the same forms on every run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Matching, Module, MultipleResponse, Ordering, Pack, ShortAnswer, SingleChoice, TrueFalse, letters


@dataclass(frozen=True)
class FormQuestion:
    """One question as a form shows it.

    `choices` are the lettered options in this form's order: the choices of a
    single or multiple item, the right-hand sides of a matching item, the steps
    of an ordering item (empty for true-false and short answers). `prompts` are
    the numbered left-hand sides of a matching item. `answer` holds the correct
    letters in this form's order: the chosen letters (single, multiple), one
    letter per prompt (matching), the letters in their correct sequence
    (ordering); "true"/"false" for true-false; the accepted answers for short.
    """

    number: int
    item: object  # a model QuizItem
    module: Module
    choices: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return self.item.type

    @property
    def points(self) -> int:
        return self.item.points

    @property
    def lettered(self) -> list[tuple[str, str]]:
        """Return (letter, text) for each choice."""
        return list(zip(letters(len(self.choices)), self.choices, strict=True))


@dataclass(frozen=True)
class Form:
    """One printed version of the quiz."""

    letter: str
    questions: tuple[FormQuestion, ...]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)


def points_to_pass(points: int, pass_mark: int) -> int:
    """Return the fewest points that reach the pass mark (a percentage of points)."""
    return -(-points * pass_mark // 100)


def draw_forms(pack: Pack, modules: Sequence[Module]) -> list[Form]:
    """Return the pack's quiz forms A, B, ...: the same drawn items, each form shuffled."""
    drawn = draw_items(pack, modules)
    forms = []
    for letter in form_letters(pack.quiz.forms):
        rng = random.Random(f"emcon-quiz/{_drawn_as(pack)}/{pack.quiz.seed}/form-{letter}")
        order = rng.sample(drawn, len(drawn))
        questions = tuple(_question(n, item, module, rng) for n, (module, item) in enumerate(order, 1))
        forms.append(Form(letter, questions))
    return forms


def self_check_questions(pack: Pack, modules: Sequence[Module]) -> list[FormQuestion]:
    """Return every quiz item of the pack in teaching order, its parts shuffled, for self-study."""
    rng = random.Random(f"emcon-quiz/{_drawn_as(pack)}/{pack.quiz.seed}/self-check")
    pairs = [(module, item) for module in modules for item in module.quiz]
    return [_question(n, item, module, rng) for n, (module, item) in enumerate(pairs, 1)]


def _drawn_as(pack: Pack) -> str:
    """Return the pack whose draw this pack's forms repeat: a translation's forms are its original's, item for item."""
    return pack.translates or pack.id


def form_letters(count: int) -> list[str]:
    """Return the names of count forms: A, B, C, ..."""
    return [chr(ord("A") + i) for i in range(count)]


def draw_items(pack: Pack, modules: Sequence[Module]) -> list[tuple[Module, object]]:
    """Draw pack.quiz.questions items, spread over the objectives; return them in teaching order.

    Items are grouped by module and objective; each round takes one item from
    every group (in a shuffled order) until enough are drawn, so a short quiz
    still tests as many objectives as it can.
    """
    rng = random.Random(f"emcon-quiz/{_drawn_as(pack)}/{pack.quiz.seed}/draw")
    groups: dict[tuple[str, str], list] = {}
    for module in modules:
        for item in module.quiz:
            groups.setdefault((module.id, item.objective), []).append((module, item))
    pools = [rng.sample(group, len(group)) for group in groups.values()]
    chosen: list[tuple[Module, object]] = []
    while len(chosen) < pack.quiz.questions and any(pools):
        for pool in rng.sample(pools, len(pools)):
            if pool and len(chosen) < pack.quiz.questions:
                chosen.append(pool.pop())
    position = {id(item): n for n, (_, item) in enumerate((m, i) for m in modules for i in m.quiz)}
    return sorted(chosen, key=lambda pair: position[id(pair[1])])


def _question(number: int, item, module: Module, rng: random.Random) -> FormQuestion:
    """Shuffle the parts of one item for one form."""
    if isinstance(item, (SingleChoice, MultipleResponse)):
        order = _shuffle_unpinned([c.pin for c in item.choices], rng)
        correct = set(item.correct)
        old = letters(len(item.choices))
        new = letters(len(order))
        answer = tuple(new[k] for k, j in enumerate(order) if old[j] in correct)
        return FormQuestion(number, item, module, tuple(item.choices[j].text for j in order), answer=answer)
    if isinstance(item, Matching):
        lefts = rng.sample(range(len(item.pairs)), len(item.pairs))
        rights = _shuffle_not_aligned(lefts, rng)
        new = letters(len(rights))
        answer = tuple(new[rights.index(j)] for j in lefts)
        return FormQuestion(
            number,
            item,
            module,
            tuple(item.pairs[j].right for j in rights),
            prompts=tuple(item.pairs[j].left for j in lefts),
            answer=answer,
        )
    if isinstance(item, Ordering):
        steps = _shuffle_not_aligned(list(range(len(item.sequence))), rng)
        new = letters(len(steps))
        answer = tuple(new[steps.index(j)] for j in range(len(steps)))
        return FormQuestion(number, item, module, tuple(item.sequence[j] for j in steps), answer=answer)
    if isinstance(item, TrueFalse):
        return FormQuestion(number, item, module, answer=("true" if item.answer else "false",))
    if isinstance(item, ShortAnswer):
        return FormQuestion(number, item, module, answer=tuple(item.answer))
    raise TypeError(f"unknown quiz item type {item.type!r}")


def _shuffle_unpinned(pinned: list[bool], rng: random.Random) -> list[int]:
    """Return a shuffled order of indexes in which pinned positions keep their place."""
    free = [j for j, pin in enumerate(pinned) if not pin]
    moved = iter(rng.sample(free, len(free)))
    return [j if pin else next(moved) for j, pin in enumerate(pinned)]


def _shuffle_not_aligned(reference: list[int], rng: random.Random) -> list[int]:
    """Return a shuffle of reference that differs from it, so the answer is never a, b, c in a row."""
    order = rng.sample(reference, len(reference))
    while len(reference) > 1 and order == reference:
        order = rng.sample(reference, len(reference))
    return order
