"""`emcon grade`: read scanned or photographed answer sheets, score them, report.

Its own pipeline beside the build (see run.py): it shares the content model,
the quiz draw and the sheet layout with the build, never the renderers.
Everything it writes lands in the output folder, readable by the user only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..project import Project
from .analysis import Response, analyse, authored, item_key
from .report import csv_bytes, write_private
from .run import Learner, Sheets, ensure_private_dir, learners, list_tasks, read_all


@dataclass
class GradeSummary:
    pages: int
    sheets: int  # learners' sheets read
    not_read: int
    to_review: int  # review rows
    passed: int


def grade(project: Project, pack_id: str, scans: list[Path], out: Path, jobs: int = 1) -> GradeSummary:
    """Grade the scans against the pack's forms; write the reports into out."""
    curriculum = project.curriculum
    pack = curriculum.packs[pack_id]
    sheets = Sheets(pack, curriculum.pack_modules(pack))
    ensure_private_dir(out)
    tasks, failed = list_tasks(scans)
    results = failed + read_all(tasks, sheets, out, jobs)
    found = learners(results, sheets)
    found.sort(key=_order)
    forms = list(sheets.forms.values())
    numbers = [q.number for q in forms[0].questions]
    write_private(out / "results.csv", csv_bytes(*_results(found, numbers, pack.quiz.pass_mark)))
    review = _review(found)
    write_private(
        out / "review.csv",
        csv_bytes(["file", "page", "student_number", "form", "question", "problem", "image"], review),
    )
    read = [learner for learner in found if learner.read]
    responses = [_responses(learner) for learner in read]
    stats = analyse(forms, responses, pack.quiz.pass_mark, forms[0].points)
    from .analysis_report import write_analysis

    write_analysis(project, pack, stats, out)
    return GradeSummary(
        len(results),
        len(read),
        sum(1 for learner in found if not learner.read),
        len(review),
        sum(1 for learner in read if _passed(learner, pack.quiz.pass_mark)),
    )


def _order(learner: Learner) -> tuple:
    first = learner.first
    return (not learner.read, first.student or "\uffff", first.form, str(first.task.file), first.task.page or 0)


def _passed(learner: Learner, pass_mark: int) -> bool:
    return learner.score * 100 >= pass_mark * learner.points


def _results(found: list[Learner], numbers: list[int], pass_mark: int) -> tuple[list[str], list[list]]:
    header = ["student_number", "name_image", "form", "file", "page"]
    header += [f"Q{n}" for n in numbers] + ["score", "points", "percent", "result", "to_review", "image"]
    rows = []
    for learner in found:
        first = learner.first
        where = [str(first.task.file), first.task.page or ""]
        if not learner.read:
            rows.append(["", "", "", *where, *[""] * len(numbers), "", "", "", "not read", len(learner.review), ""])
            continue
        by_number = {a.question.number: a.response for a in learner.answers}
        percent = f"{100 * learner.score / learner.points:.1f}" if learner.points else ""
        result = "pass" if _passed(learner, pass_mark) else "fail"
        pages = [p.image for p in learner.pages]
        rows.append(
            [first.student, first.name_image, first.form, *where]
            + [by_number.get(n, "") for n in numbers]
            + [learner.score, learner.points, percent, result, len(learner.review), " ".join(pages)]
        )
    return header, rows


def _review(found: list[Learner]) -> list[list]:
    rows = []
    for learner in found:
        first = learner.first
        for question, problem in learner.review:
            rows.append(
                [str(first.task.file), first.task.page or "", first.student, first.form, question, problem, first.image]
            )
    return rows


def _responses(learner: Learner) -> dict[str, Response]:
    """Return a learner's answers by item, choices as authored (for the item analysis)."""
    found = {}
    for answer in learner.answers:
        q = answer.question
        values = answer.chosen[0] if answer.chosen and answer.chosen[0] != ("?",) else ()
        found[item_key(q.module, q.item)] = Response(answer.right, answer.points, authored(q, values))
    return found
