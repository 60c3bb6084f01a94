"""A form too long for one sheet: its pages, and a learner's pages put back together by the grader."""

from __future__ import annotations

from pathlib import Path

from conftest import BASE
from emcon.grade.read import RowReading
from emcon.grade.run import Learner, PageResult, Task, learners
from emcon.project import load_project
from emcon.quiz import Form, FormQuestion
from emcon.sheet import BUBBLE_R, QUESTIONS_BOTTOM_MARGIN, QUESTIONS_TOP, sheet_layout


def long_form() -> Form:
    project, _ = load_project(BASE)
    module = project.curriculum.modules["alpha"]
    true_false = module.quiz[0]
    return Form("A", tuple(FormQuestion(n, true_false, module, answer=("true",)) for n in range(1, 81)))


def test_a_long_form_continues_on_a_second_page_and_no_bubbles_overlap():
    for size in ("A4", "Letter"):
        pages = sheet_layout("basic", "1.0", size, long_form())
        assert [(p.page, p.pages) for p in pages] == [(1, 2), (2, 2)]
        assert len({p.payload for p in pages}) == 2 and len({p.digest for p in pages}) == 1
        numbers = [row.question for p in pages for row in p.rows]
        assert numbers == list(range(1, 81))
        height = pages[0].size[1]
        for page in pages:
            centres = [(b.x, b.y) for row in page.rows + page.digits for b in row.bubbles]
            assert len(set(centres)) == len(centres)
            assert all(QUESTIONS_TOP < row.y < height - QUESTIONS_BOTTOM_MARGIN for row in page.rows)
            for row in page.rows:  # bubbles of a row do not touch
                assert all(b.x - a.x >= 2 * BUBBLE_R + 1 for a, b in zip(row.bubbles, row.bubbles[1:], strict=False))


class FakeSheets:
    def __init__(self, form: Form):
        self.forms = {"A": form}


def page_result(page, n: int, student: str, where: str) -> PageResult:
    rows = [RowReading(row, (0.6, 0.0), ("true",), "ok") for row in page.rows]
    return PageResult(
        Task(Path(where), n, f"s{n}"), form="A", page=page.page, pages=page.pages, rows=rows, student=student
    )


def test_pages_of_one_learner_are_scored_together_and_a_missing_page_is_reported():
    form = long_form()
    first, second = sheet_layout("basic", "1.0", "A4", form)
    results = [
        page_result(first, 1, "0007", "scan.pdf"),
        page_result(second, 2, "0007", "scan.pdf"),
        page_result(first, 3, "0008", "scan.pdf"),  # its second page never came
    ]
    found: list[Learner] = learners(results, FakeSheets(form))
    whole, half = found
    assert [p.page for p in whole.pages] == [1, 2]
    assert (whole.score, whole.points, whole.review) == (80, 80, [])
    assert half.score == len(first.rows)
    assert ("", "page 2 of 2 of this sheet was not found") in half.review
