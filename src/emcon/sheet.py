"""The geometry of a bubble answer sheet, shared by the renderer that draws it and the grader that reads it.

Every position is in millimetres from the top-left corner of the page. The
renderer places each mark, bubble and the QR code at these coordinates; the
grader maps the same coordinates into a scan through the four registration
marks. Nothing about where a bubble lies is decided anywhere else.

A sheet has one row of bubbles per answer the learner gives: a single or
multiple choice question is one row of letters; true/false is one row of two;
a matching question has one row of letters per numbered prompt; an ordering
question has one row of position numbers per lettered step; a short answer
has one row of two bubbles (right, wrong) that the instructor fills. The
student number is a grid of digit columns, each read like a single-choice row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .model import letters
from .quiz import Form, FormQuestion

PAGE_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
MARK_SIZE = 6.0  # side of a solid square registration mark
MARK_INSET = 12.0  # from each page edge to a mark's centre
BUBBLE_R = 1.9  # bubble radius
BUBBLE_PITCH = 6.0  # between bubble centres in a row
ROW_PITCH = 5.2  # between rows
ITEM_GAP = 1.6  # extra space between questions
QR_SIZE = 24.0  # side of the QR code image, quiet zone included
QR_BORDER = 2  # quiet-zone modules inside the image (more white is left around it)
QR_TOP = 17.0
DIGITS = 8  # student-number columns
DIGIT_PITCH_X = 5.5
DIGIT_PITCH_Y = 4.6
DIGIT_X = 26.0  # centre of the first digit column
DIGIT_Y = 62.5  # centre of the "0" bubbles
NAME_BOX = (20.0, 38.0, 100.0, 7.0)  # x, y, width, height of the name line's area
QUESTIONS_TOP = 112.0
QUESTIONS_BOTTOM_MARGIN = 22.0
SIDE_MARGIN = 20.0
COLUMNS = 2
NUMBER_W = 9.0  # question number, then the sub-row label, then the first bubble
FIRST_BUBBLE = 18.0
PAYLOAD_PREFIX = "EMCON1"


@dataclass(frozen=True)
class Bubble:
    x: float
    y: float
    value: str  # what filling it answers: a letter, a digit, "true", "right", a position number
    label: str  # what is printed inside it


@dataclass(frozen=True)
class Row:
    """Bubbles of which the learner fills one (or, for a multiple-response row, several)."""

    question: int  # the form's question number; 0 for a student-number digit
    part: int  # index of the prompt (matching), step (ordering) or digit column; 0 otherwise
    kind: str  # the quiz item type, or "digit"
    label: str  # printed before the bubbles: "12", "1.", "b)"
    x: float  # where the row label starts
    y: float
    bubbles: tuple[Bubble, ...]

    @property
    def many(self) -> bool:
        """Tell whether several bubbles of this row may be filled."""
        return self.kind == "multiple"

    @property
    def name(self) -> str:
        """Return how reports name the row: "7", "7.2" (second prompt), "ID 3" (third digit)."""
        if self.kind == "digit":
            return f"ID {self.part + 1}"
        return f"{self.question}.{self.part + 1}" if self.kind in ("matching", "ordering") else str(self.question)


@dataclass(frozen=True)
class SheetPage:
    """One page of a form's answer sheet."""

    pack: str
    version: str
    form: str
    page: int  # 1-based
    pages: int
    page_size: str
    digest: str  # of the form's answers and layout: a sheet printed from other content does not match
    rows: tuple[Row, ...]
    digits: tuple[Row, ...]

    @property
    def size(self) -> tuple[float, float]:
        return PAGE_SIZES[self.page_size]

    @property
    def marks(self) -> tuple[tuple[float, float], ...]:
        """Return the centres of the registration marks: top-left, top-right, bottom-right, bottom-left."""
        w, h = self.size
        m = MARK_INSET
        return ((m, m), (w - m, m), (w - m, h - m), (m, h - m))

    @property
    def qr_box(self) -> tuple[float, float, float]:
        """Return x, y and side of the QR code image."""
        w, _ = self.size
        return (w - SIDE_MARGIN - QR_SIZE - 2.0, QR_TOP, QR_SIZE)

    @property
    def payload(self) -> str:
        """Return the text of the QR code: what the grader needs to know which sheet it holds."""
        fields = [PAYLOAD_PREFIX, self.pack, quote(self.version, safe=""), self.form]
        return "|".join(fields + [f"{self.page}/{self.pages}", self.digest])

    @property
    def name_box(self) -> tuple[float, float, float, float]:
        return NAME_BOX

    def question_numbers(self) -> list[int]:
        return sorted({row.question for row in self.rows})


class SheetError(ValueError):
    """A form that an answer sheet cannot hold (a row with more bubbles than fit)."""


def parse_payload(text: str) -> dict | None:
    """Return the fields of a sheet's QR text, or None if it is not an emcon sheet's."""
    parts = text.split("|")
    if len(parts) != 6 or parts[0] != PAYLOAD_PREFIX:
        return None
    page, _, pages = parts[4].partition("/")
    if not (page.isdigit() and pages.isdigit()):
        return None
    return {
        "pack": parts[1],
        "version": unquote(parts[2]),
        "form": parts[3],
        "page": int(page),
        "pages": int(pages),
        "digest": parts[5],
    }


def question_rows(
    q: FormQuestion, true_false: tuple[str, str], right_wrong: tuple[str, str], shown: Callable[[str], str] = str
) -> list[list]:
    """Return (part, label, [(value, label), ...]) for each row a question needs; shown(letter) is what it prints."""
    if q.type in ("single", "multiple"):
        return [(0, "", [(c, shown(c)) for c in letters(len(q.choices))])]
    if q.type == "true-false":
        return [(0, "", [("true", true_false[0]), ("false", true_false[1])])]
    if q.type == "short":
        return [(0, "", [("right", right_wrong[0]), ("wrong", right_wrong[1])])]
    if q.type == "matching":  # per numbered prompt: the letter of its match
        choices = [(c, shown(c)) for c in letters(len(q.choices))]
        return [(i, f"{i + 1}.", choices) for i in range(len(q.prompts))]
    if q.type == "ordering":  # per lettered step: its position in the sequence
        positions = [(str(n), str(n)) for n in range(1, len(q.choices) + 1)]
        return [(i, f"{shown(c)})", positions) for i, c in enumerate(letters(len(q.choices)))]
    raise SheetError(f"question {q.number}: no answer-sheet row for type {q.type!r}")


# Labels printed inside true/false and right/wrong bubbles when a theme gives none.
DEFAULT_LABELS = {"true_false": ("T", "F"), "right_wrong": ("+", "-")}


def sheet_layout(
    pack_id: str,
    version: str,
    page_size: str,
    form: Form,
    true_false: tuple[str, str] = DEFAULT_LABELS["true_false"],
    right_wrong: tuple[str, str] = DEFAULT_LABELS["right_wrong"],
    shown: Callable[[str], str] = str,
) -> list[SheetPage]:
    """Return the pages of one form's answer sheet, with every bubble's centre (shown: a choice letter's print)."""
    w, h = PAGE_SIZES[page_size]
    column_w = (w - 2 * SIDE_MARGIN) / COLUMNS
    most = int((column_w - FIRST_BUBBLE - BUBBLE_R - 1.0) // BUBBLE_PITCH) + 1
    bottom = h - QUESTIONS_BOTTOM_MARGIN
    pages: list[list[Row]] = [[]]
    column, y = 0, QUESTIONS_TOP
    for q in form.questions:
        parts = question_rows(q, true_false, right_wrong, shown)
        widest = max(len(bubbles) for _, _, bubbles in parts)
        if widest > most:
            raise SheetError(
                f"question {q.number} needs {widest} bubbles in a row; an answer sheet row holds at most {most}"
            )
        needed = len(parts) * ROW_PITCH
        if QUESTIONS_TOP + needed > bottom:
            raise SheetError(f"question {q.number} needs {len(parts)} rows; a sheet column holds fewer")
        if y + needed > bottom + 0.01:  # the question moves whole to the next column or page
            column += 1
            y = QUESTIONS_TOP
            if column == COLUMNS:
                pages.append([])
                column = 0
        x = SIDE_MARGIN + column * column_w
        for part, label, bubbles in parts:
            row_y = y + ROW_PITCH / 2
            placed = tuple(
                Bubble(round(x + FIRST_BUBBLE + k * BUBBLE_PITCH, 3), round(row_y, 3), value, text)
                for k, (value, text) in enumerate(bubbles)
            )
            pages[-1].append(Row(q.number, part, q.type, label, round(x, 3), round(row_y, 3), placed))
            y += ROW_PITCH
        y += ITEM_GAP
    digits = tuple(
        Row(
            0,
            c,
            "digit",
            "",
            DIGIT_X + c * DIGIT_PITCH_X,
            DIGIT_Y,
            tuple(
                Bubble(round(DIGIT_X + c * DIGIT_PITCH_X, 3), round(DIGIT_Y + d * DIGIT_PITCH_Y, 3), str(d), str(d))
                for d in range(10)
            ),
        )
        for c in range(DIGITS)
    )
    digest = form_digest(pack_id, version, page_size, form, [*pages, list(digits)])
    return [
        SheetPage(pack_id, version, form.letter, n, len(pages), page_size, digest, tuple(rows), digits)
        for n, rows in enumerate(pages, 1)
    ]


def form_digest(pack_id: str, version: str, page_size: str, form: Form, pages: list[list[Row]]) -> str:
    """Return 10 hex digits that change when the form's answers, points or bubble layout change."""
    data = {
        "pack": pack_id,
        "version": version,
        "size": page_size,
        "form": form.letter,
        "key": [[q.number, q.type, q.points, list(q.answer)] for q in form.questions],
        "rows": [[[r.question, r.part, [[b.x, b.y, b.value] for b in r.bubbles]] for r in rows] for rows in pages],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]
