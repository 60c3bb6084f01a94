"""The grading pipeline: images in, one record per learner out.

read images (PDF pages, PNG/JPEG/TIFF photos) → find and straighten each sheet
(read.py) → score with the form's key (score.py) → report (report.py,
analysis.py). Each page is read on its own, in worker processes with --jobs;
a page that cannot be read becomes a "not read" record with the reason, so no
page is ever lost, and nothing stops the others.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..model import Pack
from ..quiz import Form, draw_forms
from ..sheet import SheetPage, sheet_layout
from .read import PX, NotASheet, RowReading, read_sheet
from .score import Answer, score, student_number

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_DPI = 200  # scanned PDF pages are read at this resolution
LONGEST = 3000  # photos larger than this (pixels, longest side) are scaled down first


@dataclass(frozen=True)
class Task:
    """One page to read: a PDF page or an image file."""

    file: Path
    page: int | None  # 1-based page of a PDF; None for an image
    sheet_id: str  # names its annotated image

    @property
    def where(self) -> str:
        return f"{self.file}" + (f" page {self.page}" if self.page is not None else "")


@dataclass
class PageResult:
    """What was read from one page (or why nothing could be)."""

    task: Task
    problem: str = ""
    form: str = ""
    page: int = 0
    pages: int = 0
    rows: list[RowReading] = field(default_factory=list)
    student: str = ""
    student_problems: list[str] = field(default_factory=list)
    image: str = ""  # the annotated image, relative to the output folder
    name_image: str = ""


@dataclass
class Learner:
    """One learner's sheet (all its pages), scored."""

    pages: list[PageResult]
    form: Form | None
    answers: list[Answer] = field(default_factory=list)
    review: list[tuple[str, str]] = field(default_factory=list)  # (question or "", problem)

    @property
    def first(self) -> PageResult:
        return self.pages[0]

    @property
    def read(self) -> bool:
        return self.form is not None

    @property
    def score(self) -> int:
        return sum(a.points for a in self.answers)

    @property
    def points(self) -> int:
        return self.form.points if self.form else 0


class Sheets:
    """The sheets a pack prints: every page layout by the text of its QR code."""

    def __init__(self, pack: Pack, modules):
        self.pack = pack
        self.forms = {form.letter: form for form in draw_forms(pack, modules)}
        self.pages: dict[str, SheetPage] = {}
        for form in self.forms.values():
            for page in sheet_layout(pack.id, pack.version, pack.page_size, form):
                self.pages[page.payload] = page

    def foreign(self, fields: dict | None) -> str:
        """Return why a sheet whose code this pack does not print is not one of its sheets."""
        if fields is None:
            return "not an emcon answer sheet"
        if fields["pack"] != self.pack.id:
            return f"a sheet of pack {fields['pack']!r}, not {self.pack.id!r}"
        if fields["version"] != self.pack.version:
            return f"a sheet of version {fields['version']} of the pack; this is version {self.pack.version}"
        if fields["form"] not in self.forms:
            return f"a sheet of form {fields['form']}, which this pack does not have"
        return (
            "printed from other content of this pack version (questions or layout changed since): rebuild and reprint"
        )


def list_tasks(scans: list[Path]) -> tuple[list[Task], list[PageResult]]:
    """Return the pages to read, and a result for each file that cannot even be opened."""
    tasks: list[Task] = []
    failed: list[PageResult] = []
    used: set[str] = set()

    def sheet_id(path: Path, page: int | None) -> str:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:60] or "sheet"
        base += f"-p{page}" if page is not None else ""
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        return name

    files: list[Path] = []
    for scan in scans:
        if scan.is_dir():
            files += sorted(p for p in scan.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES | {".pdf"})
        else:
            files.append(scan)
    for path in files:
        if path.suffix.lower() == ".pdf":
            try:
                count = _pdf_pages(path)
            except Exception as exc:  # noqa: BLE001 - any unreadable PDF is reported, never raised
                failed.append(PageResult(Task(path, None, sheet_id(path, None)), problem=f"cannot open PDF: {exc}"))
                continue
            tasks += [Task(path, n, sheet_id(path, n)) for n in range(1, count + 1)]
        else:
            tasks.append(Task(path, None, sheet_id(path, None)))
    return tasks, failed


def _pdf_pages(path: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def load_image(task: Task) -> np.ndarray:
    """Return the task's page as a grey image."""
    if task.page is not None:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(task.file))
        try:
            bitmap = doc[task.page - 1].render(scale=PDF_DPI / 72, grayscale=True)
            image = np.array(bitmap.to_numpy()).reshape(bitmap.height, bitmap.width).copy()
        finally:
            doc.close()
        return image
    image = cv2.imdecode(np.fromfile(task.file, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise NotASheet("not an image emcon can read (PNG, JPEG, TIFF or PDF)")
    longest = max(image.shape)
    if longest > LONGEST:
        f = LONGEST / longest
        image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return image


# What worker processes read with: set before they start (they are forked).
_STATE: dict = {}


def read_task(task: Task) -> PageResult:
    """Read one page; any failure becomes the result's problem (the run goes on)."""
    from .report import annotate, write_private

    sheets: Sheets = _STATE["sheets"]
    out: Path = _STATE["out"]
    result = PageResult(task)
    try:
        gray = load_image(task)
        page, reading = read_sheet(gray, sheets.pages)
    except NotASheet as exc:
        result.problem = str(exc)
        return result
    except KeyError as exc:
        result.problem = sheets.foreign(exc.args[0] if exc.args else None)
        return result
    except Exception as exc:  # a page never stops the run: whatever went wrong is its problem, with the file
        result.problem = f"cannot read the image: {type(exc).__name__}: {exc}".strip()
        return result
    result.form, result.page, result.pages = page.form, page.page, page.pages
    result.rows = reading.rows
    result.student, result.student_problems = student_number(reading.digits)
    form = sheets.forms[page.form]
    answers = [a for a in score(form, reading.rows) if a.question.number in page.question_numbers()]
    result.image = f"sheets/{task.sheet_id}.jpg"
    result.name_image = f"names/{task.sheet_id}.png"
    picture = annotate(reading, page, answers, result.student, form)
    write_private(out / result.image, _encode(".jpg", picture))
    x, y, w, h = page.name_box
    name = reading.page_image[int(y * PX) : int((y + h) * PX), int(x * PX) : int((x + w) * PX)]
    write_private(out / result.name_image, _encode(".png", name))
    return result


def _encode(suffix: str, image: np.ndarray) -> bytes:
    params = [cv2.IMWRITE_JPEG_QUALITY, 88] if suffix == ".jpg" else []
    ok, data = cv2.imencode(suffix, image, params)
    if not ok:
        raise OSError(f"cannot encode {suffix} image")
    return data.tobytes()


def read_all(tasks: list[Task], sheets: Sheets, out: Path, jobs: int) -> list[PageResult]:
    """Read every page, in order, in `jobs` processes."""
    _STATE.update(sheets=sheets, out=out)
    if jobs <= 1 or len(tasks) < 2:
        return [read_task(t) for t in tasks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context) as pool:
        return list(pool.map(read_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8))))


def learners(results: list[PageResult], sheets: Sheets) -> list[Learner]:
    """Group the pages read into learners' sheets (pages of one form and student number), scored."""
    groups: dict[tuple, list[PageResult]] = {}
    for n, r in enumerate(results):
        known = r.student and "?" not in r.student and not r.problem and r.pages > 1
        groups.setdefault((r.form, r.student) if known else (n,), []).append(r)
    found = []
    for pages in groups.values():
        first = pages[0]
        if first.problem:
            found.append(Learner(pages, None, review=[("", first.problem)]))
            continue
        form = sheets.forms[first.form]
        rows = [row for p in pages for row in p.rows]
        learner = Learner(sorted(pages, key=lambda p: p.page), form, score(form, rows))
        learner.review += [("", problem) for problem in first.student_problems]
        missing = sorted(set(range(1, first.pages + 1)) - {p.page for p in pages})
        learner.review += [("", f"page {m} of {first.pages} of this sheet was not found") for m in missing]
        seen: set[int] = set()
        for p in pages:
            if p.page in seen:
                learner.review.append(("", f"page {p.page} scanned more than once ({p.task.where})"))
            seen.add(p.page)
        for answer in learner.answers:
            learner.review += [(str(answer.question.number), why) for why in answer.review]
        found.append(learner)
    numbers: dict[str, list[Learner]] = {}
    for learner in found:
        if learner.read and learner.first.student and "?" not in learner.first.student:
            numbers.setdefault(learner.first.student, []).append(learner)
    for same in numbers.values():
        for learner in same if len(same) > 1 else []:
            others = "; ".join(o.first.task.where for o in same if o is not learner)
            learner.review.append(("", f"duplicate student number {learner.first.student} (also {others})"))
    return found


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
