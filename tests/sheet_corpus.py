"""Make filled-in answer sheets as test images: real sheets, marked as hands do, photographed as phones do.

Used by the grading tests, the grading benchmark and the README's look at one sheet.
Every random choice comes from a seeded random.Random, so a corpus is the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2

from emcon.sheet import BUBBLE_R, SheetPage

# What a bubble holds: nothing, a pen or pencil fill, an erased fill, or a faint touch nobody could call.
EMPTY, PEN, PENCIL, ERASED, FAINT = "empty", "pen", "pencil", "erased", "faint"


@dataclass
class Filled:
    """A sheet image and what was put on it."""

    image: np.ndarray  # grey
    marks: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index or -1-digit, bubble) -> kind
    student: str = ""


def render_page(pdf: Path, page: int, dpi: int) -> np.ndarray:
    """Return a page of a PDF as a grey image."""
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        bitmap = doc[page - 1].render(scale=dpi / 72, grayscale=True)
        return np.array(bitmap.to_numpy()).reshape(bitmap.height, bitmap.width).copy()
    finally:
        doc.close()


def mark(image: np.ndarray, x_mm: float, y_mm: float, dpi: int, kind: str, rng: random.Random) -> None:
    """Put one kind of mark into the bubble at (x_mm, y_mm), as a hand would."""
    if kind == EMPTY:
        return
    px = dpi / 25.4
    r = BUBBLE_R * px
    half = int(r * 1.6) + 2  # the mark is drawn into a patch around the bubble, not the whole page
    x0, y0 = int(x_mm * px) - half, int(y_mm * px) - half
    cx = x_mm * px - x0 + rng.uniform(-0.25, 0.25) * px
    cy = y_mm * px - y0 + rng.uniform(-0.25, 0.25) * px
    patch = image[y0 : y0 + 2 * half, x0 : x0 + 2 * half]
    layer = np.zeros(patch.shape, dtype=np.float32)
    if kind == PEN:
        axes = (int(r * rng.uniform(0.85, 1.1)), int(r * rng.uniform(0.8, 1.05)))
        cv2.ellipse(layer, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA)
        strength = rng.uniform(0.8, 0.95)
    else:  # pencil strokes, back and forth, with gaps; erased and faint marks start as pencil too
        thickness = max(1, int(0.45 * px))
        y = cy - r * rng.uniform(0.7, 0.9)
        bottom = cy + r * rng.uniform(0.65, 0.9)
        while y < bottom:
            span = np.sqrt(max(r * r - (y - cy) ** 2, 0)) * rng.uniform(0.75, 1.05)
            end = (int(cx + span), int(y + rng.uniform(-0.3, 0.3) * px))
            cv2.line(layer, (int(cx - span), int(y)), end, 1.0, thickness, cv2.LINE_AA)
            y += thickness * rng.uniform(0.6, 1.0)
        strength = {PENCIL: rng.uniform(0.5, 0.75), ERASED: rng.uniform(0.06, 0.12), FAINT: rng.uniform(0.2, 0.26)}[
            kind
        ]
        grain = np.array([rng.random() for _ in range(64)], dtype=np.float32)
        texture = grain[(np.arange(layer.size) * 7919) % 64].reshape(layer.shape)
        layer *= 0.75 + 0.25 * texture
    patch[:] = np.clip(patch.astype(np.float32) * (1 - strength * np.clip(layer, 0, 1)), 0, 255).astype(np.uint8)


def fill(
    blank: np.ndarray, page: SheetPage, dpi: int, rng: random.Random, student: str, plan: dict | None = None
) -> Filled:
    """Return a copy of the blank sheet filled in: a student number and an answer in every row (some blank).

    plan maps (row index, bubble index) to a kind, for sheets made by hand; without it rows are
    filled at random with the corpus's mixture of pens, pencils, blanks, erasures, double and faint marks.
    """
    image = blank.copy()
    done = Filled(image, student=student)
    pen = rng.random() < 0.5
    for c, digit in enumerate(student):
        b = page.digits[c].bubbles[int(digit)]
        kind = PEN if pen else PENCIL
        mark(image, b.x, b.y, dpi, kind, rng)
        done.marks[(-1 - c, int(digit))] = kind
    if plan is None:
        plan = random_plan(page, rng, pen)
    for (r, k), kind in plan.items():
        b = page.rows[r].bubbles[k]
        mark(image, b.x, b.y, dpi, kind, rng)
        done.marks[(r, k)] = kind
    return done


def random_plan(page: SheetPage, rng: random.Random, pen: bool) -> dict[tuple[int, int], str]:
    """Return marks for every row: mostly one clear answer, sometimes blank, erased, double or faint."""
    plan = {}
    main = PEN if pen else PENCIL
    for r, row in enumerate(page.rows):
        n = len(row.bubbles)
        roll = rng.random()
        pick = rng.randrange(n)
        if row.kind == "multiple":
            for k in rng.sample(range(n), rng.randint(1, min(3, n))):
                plan[(r, k)] = main
        elif roll < 0.80:
            plan[(r, pick)] = main
        elif roll < 0.85:
            pass  # left blank
        elif roll < 0.92:  # changed answer: one erased, another filled
            other = (pick + 1 + rng.randrange(n - 1)) % n
            plan[(r, pick)] = main
            plan[(r, other)] = ERASED
        elif roll < 0.96:
            plan[(r, pick)] = main
            plan[(r, (pick + 1) % n)] = main  # two marks in a one-answer row
        else:
            plan[(r, pick)] = FAINT
    return plan


def photograph(image: np.ndarray, rng: random.Random, phone: bool) -> np.ndarray:
    """Return the sheet as a phone photo (perspective, any rotation, uneven light, blur, noise) or a scan."""
    h, w = image.shape
    if phone:
        pad = int(0.12 * max(w, h))
        canvas = np.full((h + 2 * pad, w + 2 * pad), rng.randint(60, 120), np.uint8)
        canvas[pad : pad + h, pad : pad + w] = image
        src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
        jitter = 0.05 * min(w, h)
        dst = src + np.float32([[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)])
        angle = rng.choice([0, 90, 180, 270]) + rng.uniform(-8, 8)
        centre = (canvas.shape[1] / 2, canvas.shape[0] / 2)
        rot = cv2.getRotationMatrix2D(centre, angle, 1.0)
        cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
        nw, nh = int(canvas.shape[1] * cos + canvas.shape[0] * sin), int(canvas.shape[1] * sin + canvas.shape[0] * cos)
        rot[0, 2] += nw / 2 - centre[0]
        rot[1, 2] += nh / 2 - centre[1]
        persp = cv2.getPerspectiveTransform(src, dst)
        full = np.vstack([rot, [0, 0, 1]]) @ persp
        out = cv2.warpPerspective(canvas, full, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=90)
        yy, xx = np.mgrid[0:nh, 0:nw].astype(np.float32)
        gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        light = 0.78 + 0.22 * (gx * (xx / nw - 0.5) + gy * (yy / nh - 0.5)) * 2
        light -= 0.18 * (((xx / nw - 0.5) ** 2 + (yy / nh - 0.5) ** 2) * 2)
        out = out.astype(np.float32) * np.clip(light, 0.45, 1.0)
        sigma = rng.uniform(0.3, 1.1)
        noise = rng.uniform(2, 7)
        quality = rng.randint(55, 85)
    else:
        angle = rng.uniform(-3, 3) + rng.choice([0, 0, 0, 180])
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(image, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=255).astype(np.float32)
        sigma = rng.uniform(0.0, 0.6)
        noise = rng.uniform(0, 3)
        quality = rng.randint(70, 92)
    if sigma > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    gen = np.random.default_rng(rng.randrange(2**32))
    out = out + gen.normal(0, noise, out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


@dataclass
class Truth:
    """What one corpus image holds: its form, student number and each row's marks."""

    form: str
    student: str
    marks: dict[tuple[int, int], str]
    dpi: int
    phone: bool


def make_sheet(job: tuple) -> tuple[str, Truth]:
    """Make one corpus image (a tuple, so that a process pool can run it); return its name and truth."""
    pdf, page, folder, n, dpi, phone, seed = job
    rng = random.Random(f"corpus/{seed}/{n}")
    blank = _blank(pdf, dpi)
    student = f"{rng.randrange(10**8):08d}" if rng.random() < 0.97 else f"{rng.randrange(10**5):05d}"
    filled = fill(blank, page, dpi, rng, student)
    image = photograph(filled.image, rng, phone)
    name = f"sheet-{n:03d}.{'jpg' if phone or n % 2 else 'png'}"
    cv2.imwrite(str(Path(folder) / name), image)
    return name, Truth(page.form, student, filled.marks, dpi, phone)


_BLANKS: dict = {}


def _blank(pdf: str, dpi: int) -> np.ndarray:
    if (pdf, dpi) not in _BLANKS:
        _BLANKS[(pdf, dpi)] = render_page(Path(pdf), 1, dpi)
    return _BLANKS[(pdf, dpi)]


def corpus_jobs(pages: dict[str, SheetPage], build: Path, folder: Path, count: int, seed: int = 1) -> list[tuple]:
    """Return the jobs of a corpus: forms in turn; 150 dpi mostly, some 200 and 300; half phone photos."""
    forms = sorted({p.form for p in pages.values()})
    by_form = {p.form: p for p in pages.values() if p.page == 1}
    jobs = []
    for n in range(count):
        form = forms[n % len(forms)]
        dpi = 300 if n % 10 == 9 else 200 if n % 10 in (3, 6) else 150
        pdf = str(build / f"answer-sheet-{form}.pdf")
        jobs.append((pdf, by_form[form], str(folder), n, dpi, n % 2 == 0, seed))
    return jobs
