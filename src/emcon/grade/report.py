"""What grading writes: results.csv, review.csv and an annotated image per sheet.

Every file holds personal data (names, student numbers, scores): each is
created readable by its owner only (0600), in folders only the owner can open.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import cv2
import numpy as np

from ..quiz import Form
from ..sheet import BUBBLE_R, SheetPage
from .read import PX, SheetReading
from .score import Answer, key_values

GREEN, RED, BLUE, ORANGE, GREY = (40, 150, 40), (30, 30, 220), (200, 90, 0), (0, 140, 255), (120, 120, 120)


def write_private(path: Path, data: bytes) -> None:
    """Write a file that only its owner can read (its folder too)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """Return a CSV that spreadsheets open cleanly: UTF-8 with a byte-order mark, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def annotate(reading: SheetReading, page: SheetPage, answers: list[Answer], student: str, form: Form) -> np.ndarray:
    """Return the straightened sheet with what was read drawn on it.

    Filled bubbles read: a green ring when the question is right, red when wrong;
    the key's bubbles: a blue dot at the centre; rows that need review: an orange
    box and a "?". The head shows the student number, form and score.
    """
    picture = cv2.cvtColor(reading.page_image, cv2.COLOR_GRAY2BGR)
    r = int(BUBBLE_R * PX)
    by_number = {a.question.number: a for a in answers}
    for reading_row in reading.rows:
        row = reading_row.row
        answer = by_number.get(row.question)
        key = key_values(answer.question)[row.part] if answer else ()
        for bubble in row.bubbles:
            centre = (round(bubble.x * PX), round(bubble.y * PX))
            if bubble.value in reading_row.chosen:
                colour = GREEN if answer and answer.right else RED
                cv2.circle(picture, centre, r + 3, colour, 2, cv2.LINE_AA)
            if bubble.value in key:
                cv2.circle(picture, centre, 3, BLUE, -1, cv2.LINE_AA)
        if reading_row.status == "ambiguous":
            first, last = row.bubbles[0], row.bubbles[-1]
            top_left = (round((first.x - BUBBLE_R) * PX) - 6, round((row.y - BUBBLE_R) * PX) - 5)
            bottom_right = (round((last.x + BUBBLE_R) * PX) + 6, round((row.y + BUBBLE_R) * PX) + 5)
            cv2.rectangle(picture, top_left, bottom_right, ORANGE, 2)
            cv2.putText(
                picture, "?", (bottom_right[0] + 4, bottom_right[1] - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ORANGE, 2
            )
    for digit in reading.digits:
        for bubble in digit.row.bubbles:
            if bubble.value in digit.chosen:
                cv2.circle(picture, (round(bubble.x * PX), round(bubble.y * PX)), r + 3, BLUE, 2, cv2.LINE_AA)
        if digit.status == "ambiguous":
            x = round(digit.row.x * PX)
            cv2.rectangle(picture, (x - r - 4, round(58 * PX)), (x + r + 4, round(106 * PX)), ORANGE, 2)
    got = sum(a.points for a in answers)
    total = sum(a.question.points for a in answers)
    review = sum(1 for a in answers if a.review)
    head = f"Student {student or '-'}   Form {form.letter}   page {page.page}/{page.pages}   {got}/{total} points"
    head += f"   {review} to review" if review else ""
    cv2.rectangle(picture, (0, 0), (picture.shape[1], round(9 * PX)), (255, 255, 255), -1)
    cv2.putText(picture, head, (round(20 * PX), round(7 * PX)), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 0, 0), 2)
    legend = "green: read, right   red: read, wrong   blue dot: key   orange ?: review"
    cv2.putText(picture, legend, (round(20 * PX), round(12.5 * PX)), cv2.FONT_HERSHEY_SIMPLEX, 0.55, GREY, 1)
    return picture
