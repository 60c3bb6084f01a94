"""Score what was read off a sheet with its form's key and the pack's points.

An item scores its points when every row of it was read and is right, nothing
otherwise (as the paper key marks it). A question with a row that could not be
decided scores nothing for now and is listed for review; so is a short answer
the instructor has not marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..quiz import Form, FormQuestion
from .read import RowReading


@dataclass
class Answer:
    """One question as read and scored."""

    question: FormQuestion
    response: str  # as the results show it: "b", "a+c", "true", "b,a,c" (matching), "2,1,3" (ordering), "?" parts
    right: bool
    points: int
    review: list[str] = field(default_factory=list)  # why a human must look
    chosen: list[tuple[str, ...]] = field(default_factory=list)  # per row: the values read


def key_values(q: FormQuestion) -> list[tuple[str, ...]]:
    """Return, per sheet row of a question, the values a right answer fills."""
    if q.type in ("single", "multiple"):
        return [tuple(sorted(q.answer))]
    if q.type == "true-false":
        return [(q.answer[0],)]
    if q.type == "short":
        return [("right",)]
    if q.type == "matching":
        return [(letter,) for letter in q.answer]
    if q.type == "ordering":  # the row of step c holds c's position in the right sequence
        return [(str(q.answer.index(letter) + 1),) for letter in sorted(q.answer)]
    raise ValueError(q.type)


def score(form: Form, rows: list[RowReading]) -> list[Answer]:
    """Return each question of the form as read from its rows, scored."""
    by_question: dict[int, list[RowReading]] = {}
    for reading in rows:
        by_question.setdefault(reading.row.question, []).append(reading)
    answers = []
    for q in form.questions:
        readings = sorted(by_question.get(q.number, []), key=lambda r: r.row.part)
        key = key_values(q)
        review = [f"{r.reason}" for r in readings if r.status == "ambiguous"]
        if q.type == "short" and all(r.status == "blank" for r in readings):
            review.append("short answer not marked right or wrong by the instructor")
        chosen = [tuple(sorted(r.chosen)) if r.status != "ambiguous" else ("?",) for r in readings]
        right = not review and len(chosen) == len(key) and all(c == k for c, k in zip(chosen, key, strict=True))
        answers.append(Answer(q, response_text(q, chosen), right, q.points if right else 0, review, chosen))
    return answers


def response_text(q: FormQuestion, chosen: list[tuple[str, ...]]) -> str:
    """Return a question's response as one results cell."""
    parts = ["+".join(c) for c in chosen]
    if q.type in ("matching", "ordering"):
        return ",".join(p or "_" for p in parts)
    return parts[0] if parts else ""


def student_number(digits: list[RowReading]) -> tuple[str, list[str]]:
    """Return the student number read from the digit columns, and what is wrong with it.

    Blank columns may lead or trail (a short number written left or right); a blank between
    digits, a column with two marks or a faint one is reported and shown as "?".
    """
    text = "".join(r.chosen[0] if r.status == "ok" else ("?" if r.status == "ambiguous" else " ") for r in digits)
    problems = [f"student number column {r.row.part + 1}: {r.reason}" for r in digits if r.status == "ambiguous"]
    number = text.strip()
    if not number:
        problems.append("no student number filled in")
    elif " " in number:
        problems.append("student number has an empty column between digits")
        number = number.replace(" ", "?")
    return number, problems
