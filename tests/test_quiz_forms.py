"""Quiz forms: seeded, deterministic draws; shuffled parts whose answers stay right; quiz checks."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from emcon.cli import main
from emcon.model import Matching, MultipleResponse, Ordering, ShortAnswer, SingleChoice, TrueFalse, letters
from emcon.project import load_project
from emcon.quiz import draw_forms, self_check_questions

# Every item type, unique words in each text, and a pinned last choice.
QUIZ_ITEMS = """\
  - id: s1
    type: single
    objective: explain-alpha
    prompt: Which colour is a clear day sky?
    choices: [Green grass, Blue sky, Red brick, {text: None of these, pin: true}]
    answer: b
    explanation: EXPLAIN-S1 the sky is blue.
    source: src
  - id: m1
    type: multiple
    objective: explain-alpha
    points: 2
    prompt: Which of these emit radio waves?
    choices: [Switched-on phone, Paper map, Handheld radio, Wooden spoon, Pencil]
    answer: [a, c]
    explanation: EXPLAIN-M1 phones and radios transmit.
    source: src
  - {id: t1, type: true-false, objective: explain-alpha, prompt: Airplane mode stops the phone calling towers., answer: true, explanation: EXPLAIN-T1 it does., source: src}
  - {id: sh1, type: short, objective: explain-alpha, prompt: Which phone setting stops all radios?, answer: [airplane mode, flight mode], explanation: EXPLAIN-SH1 airplane mode., source: src}
  - id: mt1
    type: matching
    objective: explain-alpha
    points: 3
    prompt: Match each danger to its remedy.
    pairs:
      - {left: Phone left on, right: Switch it off}
      - {left: Crowd at the signal spot, right: Spread out}
      - {left: Long call from one place, right: Keep calls short}
    explanation: EXPLAIN-MT1 remedies.
    source: src
  - id: o1
    type: ordering
    objective: explain-alpha
    points: 2
    prompt: Put the events in order.
    sequence: [Villagers find signal, Villagers gather, Shells fall, Villagers stop gathering]
    explanation: EXPLAIN-O1 as reported.
    source: src
"""


def quiz_project(make_project, questions: int = 6, forms: int = 3, seed: int = 11) -> Path:
    """Return a tiny project whose one module holds every kind of quiz item."""
    from conftest import MODULE, PACK

    module = MODULE[: MODULE.index("quiz:\n")] + "quiz:\n" + QUIZ_ITEMS
    pack = PACK.replace("minutes: 6\n", "minutes: 17\n").replace(
        "quiz: {questions: 2, forms: 2, seed: 7, minutes: 1}",
        f"quiz: {{questions: {questions}, forms: {forms}, seed: {seed}, minutes: 12}}",
    )
    return make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})


def forms_of(root: Path):
    project, problems = load_project(root)
    assert not [p for p in problems if p.severity == "error"], problems
    pack = project.curriculum.packs["basic"]
    return pack, project.curriculum.pack_modules(pack)


def test_forms_hold_the_drawn_items_once_each(make_project):
    pack, modules = forms_of(quiz_project(make_project, questions=4, forms=3))
    forms = draw_forms(pack, modules)
    assert [f.letter for f in forms] == ["A", "B", "C"]
    drawn = [q.item.id for q in forms[0].questions]
    assert len(drawn) == len(set(drawn)) == 4
    for form in forms:
        ids = [q.item.id for q in form.questions]
        assert sorted(ids) == sorted(drawn), "every form holds the same items"
        assert [q.number for q in form.questions] == [1, 2, 3, 4]


def test_same_seed_same_forms_other_seed_other_order(make_project):
    pack, modules = forms_of(quiz_project(make_project))
    first, again = draw_forms(pack, modules), draw_forms(pack, modules)
    assert first == again
    orders = {tuple((q.item.id, q.choices, q.prompts) for q in f.questions) for f in first}
    assert len(orders) == 3, "the three forms differ"
    reseeded = pack.model_copy(update={"quiz": pack.quiz.model_copy(update={"seed": 12})})
    other = draw_forms(reseeded, modules)
    assert [q.item.id for q in other[0].questions] != [q.item.id for q in first[0].questions]


def test_draw_does_not_touch_the_global_random_state(make_project):
    import random

    pack, modules = forms_of(quiz_project(make_project))
    random.seed(5)
    expected = random.random()
    random.seed(5)
    draw_forms(pack, modules)
    assert random.random() == expected


def test_answers_follow_each_forms_order(make_project):
    pack, modules = forms_of(quiz_project(make_project))
    for form in draw_forms(pack, modules):
        for q in form.questions:
            assert_answer_right(q)


def test_self_check_holds_every_item_with_right_answers(make_project):
    pack, modules = forms_of(quiz_project(make_project))
    questions = self_check_questions(pack, modules)
    assert [q.item.id for q in questions] == ["s1", "m1", "t1", "sh1", "mt1", "o1"]
    for q in questions:
        assert_answer_right(q)


def assert_answer_right(q) -> None:
    """The letters in q.answer point at the item's correct parts in q's own order."""
    item, shown = q.item, dict(q.lettered)
    if isinstance(item, (SingleChoice, MultipleResponse)):
        right = {item.answer} if isinstance(item, SingleChoice) else set(item.answer)
        original = dict(zip(letters(len(item.choices)), (c.text for c in item.choices), strict=True))
        assert {shown[a] for a in q.answer} == {original[a] for a in right}
        assert sorted(q.choices) == sorted(original.values())
        for j, choice in enumerate(item.choices):
            if choice.pin:
                assert q.choices[j] == choice.text, "a pinned choice keeps its place"
    elif isinstance(item, Matching):
        pairs = {(p.left, p.right) for p in item.pairs}
        assert {(left, shown[a]) for left, a in zip(q.prompts, q.answer, strict=True)} == pairs
        assert list(q.answer) != letters(len(q.answer)), "never a, b, c in a row"
    elif isinstance(item, Ordering):
        assert [shown[a] for a in q.answer] == list(item.sequence)
        assert list(q.choices) != list(item.sequence), "the steps are shuffled"
    elif isinstance(item, TrueFalse):
        assert q.answer == (("true",) if item.answer else ("false",))
    elif isinstance(item, ShortAnswer):
        assert q.answer == tuple(item.answer)


def test_pinned_choice_stays_last_in_every_form(make_project):
    pack, modules = forms_of(quiz_project(make_project, forms=6))
    for form in draw_forms(pack, modules):
        (s1,) = [q for q in form.questions if q.item.id == "s1"]
        assert s1.choices[-1] == "None of these"


def test_short_quiz_spreads_over_modules(make_project):
    """With fewer questions than items, the draw takes from every objective group first."""
    from conftest import MODULE

    root = quiz_project(make_project, questions=2, forms=1)
    beta = MODULE.replace("id: alpha", "id: beta").replace("a-1", "b-1").replace("a-2", "b-2")
    (root / "content/modules/beta.yaml").write_text(beta, encoding="utf-8")
    pack_file = root / "content/packs/basic.yaml"
    pack_file.write_text(
        pack_file.read_text()
        .replace("modules: [alpha]", "modules: [alpha, beta]")
        .replace("minutes: 17", "minutes: 22", 1)
    )
    pack, modules = forms_of(root)
    (form,) = draw_forms(pack, modules)
    assert {q.module.id for q in form.questions} == {"alpha", "beta"}


# ---------------------------------------------------------------- checks


def check_output(root: Path) -> list[str]:
    """Run `emcon check` inside the project; return its error lines."""
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if ": warning: " not in line][:-1]


SHAPE_BAD = """\
quiz:
  - {id: a-1, type: single, objective: explain-alpha, prompt: Pick one., choices: [Stay, Go, Hide], answer: [a, c], source: src}
  - {id: a-2, type: single, objective: explain-alpha, prompt: Pick one., choices: [Stay, Go], answer: [], source: src}
"""

CROSS_BAD = """\
quiz:
  - {id: a-3, type: single, objective: explain-alpha, prompt: Pick one., choices: [Stay, Go], answer: d, source: src}
  - {id: a-4, type: multiple, objective: explain-alpha, prompt: Pick some., choices: [Stay, Go, " stay "], answer: [a, e], source: src}
  - {id: a-5, type: matching, objective: explain-alpha, prompt: Match., pairs: [{left: A, right: B}], source: src}
"""


def bad_quiz_project(make_project, quiz: str, questions: int = 2) -> tuple[Path, int]:
    """Return a project whose module has the given quiz, and the line of its quiz[0]."""
    from conftest import MODULE, PACK

    module = MODULE[: MODULE.index("quiz:\n")] + quiz
    pack = PACK.replace("questions: 2,", f"questions: {questions},")
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    return root, module.count("\n", 0, module.index("quiz:\n")) + 2


def test_single_choice_with_several_or_no_answers(make_project):
    root, first = bad_quiz_project(make_project, SHAPE_BAD)
    assert check_output(root) == [
        f"content/modules/alpha.yaml:{first}: quiz[0].answer: names 2 correct answers (a, c); a single-choice item has exactly one: use `type: multiple` for several",
        f"content/modules/alpha.yaml:{first + 1}: quiz[1].answer: names no correct answer; a single-choice item needs exactly one, e.g. `answer: b`",
    ]


def test_answers_choices_pairs_and_question_count_are_checked(make_project):
    root, first = bad_quiz_project(make_project, CROSS_BAD, questions=9)
    assert check_output(root) == [
        f"content/modules/alpha.yaml:{first}: quiz[0].answer: 'd' is not one of the choices a-b",
        f"content/modules/alpha.yaml:{first + 1}: quiz[1].answer: 'e' is not one of the choices a-c",
        f"content/modules/alpha.yaml:{first + 1}: quiz[1].choices[2]: duplicates choice a",
        f"content/modules/alpha.yaml:{first + 2}: quiz[2].pairs: a matching item needs at least 2 pairs, has 1",
        "content/packs/basic.yaml:7: quiz.questions: asks for 9 questions, but its modules hold 3",
    ]


@pytest.mark.parametrize("answer", ["[b]", "b"])
def test_single_answer_may_be_a_one_item_list(make_project, answer):
    root = quiz_project(make_project)
    module = root / "content/modules/alpha.yaml"
    module.write_text(module.read_text().replace("    answer: b\n", f"    answer: {answer}\n"))
    pack, modules = forms_of(root)
    assert modules[0].quiz[0].answer == "b"
