"""Read one answer sheet from an image: find it, straighten it, measure every bubble.

1. The QR code (zxing-cpp) says which sheet this is and, from its corners,
   roughly where the page lies in the image, whatever its rotation.
2. Each registration mark is looked for near where that rough placement puts it;
   the four marks' centres give the exact perspective transform.
3. The page is warped upright at PX pixels a millimetre and divided by its own
   blurred background, which flattens uneven light.
4. Each bubble's darkness is the mean over a disk inside its printed ring, less
   the sheet's blank level (the median bubble, as most bubbles are empty).
5. Each row is decided from its darkness levels; a row that cannot be decided
   is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import segno
import zxingcpp

from ..sheet import BUBBLE_R, MARK_SIZE, QR_BORDER, Row, SheetPage, parse_payload

PX = 6.0  # pixels a millimetre of the straightened page
FILLED = 0.28  # darkness above blank from which a bubble counts as filled
FAINT = 0.10  # darkness above blank from which a bubble is not empty either
ERASED = 0.45  # a faint bubble beside a filled one, lighter than this share of it, is an erasure
SEARCH = 28.0  # mm around where a registration mark is expected that it is looked for
SEARCH_FAR = 50.0  # the same for the two marks farthest from the code
INNER = 0.6  # share of the bubble radius measured (the ring stays outside)


class NotASheet(Exception):
    """The image holds no readable emcon answer sheet; the message says why."""


@dataclass
class RowReading:
    row: Row
    levels: tuple[float, ...]  # darkness above blank, per bubble
    chosen: tuple[str, ...]  # the values of the bubbles read as filled
    status: str  # "ok", "blank" or "ambiguous"
    reason: str = ""


@dataclass
class SheetReading:
    payload: dict
    rows: list[RowReading]
    digits: list[RowReading]
    page_image: np.ndarray  # the straightened, light-flattened page (grey)
    blank: float
    notes: list[str] = field(default_factory=list)


def find_code(gray: np.ndarray) -> tuple[str, np.ndarray]:
    """Return the text of the sheet's QR code and its symbol's corners (TL, TR, BR, BL of the code itself)."""
    found = []
    for image in _code_attempts(gray):
        scale = gray.shape[1] / image.shape[1]
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            if code.valid and parse_payload(code.text) is not None:
                p = code.position
                corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)]
                corners += [(p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
                return code.text, np.array(corners, dtype=np.float64) * scale
            found.append(code.text)
    if found:
        raise NotASheet("its code is not an emcon answer sheet's")
    raise NotASheet("no answer-sheet code found (not an answer sheet, or the code is not legible)")


def _code_attempts(gray: np.ndarray):
    """Yield the image as zxing is tried on it: as it is, then smaller, then sharpened."""
    yield gray
    long_side = max(gray.shape)
    if long_side > 1600:
        f = 1400 / long_side
        yield cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    blur = cv2.GaussianBlur(gray, (0, 0), 2)
    yield cv2.addWeighted(gray, 1.8, blur, -0.8, 0)


def code_corners_mm(page: SheetPage) -> np.ndarray:
    """Return where the QR symbol's corners lie on the page (TL, TR, BR, BL), in mm."""
    x, y, side = page.qr_box
    modules = segno.make(page.payload, error="m", micro=False).symbol_size(border=0)[0]
    module = side / (modules + 2 * QR_BORDER)
    x0, y0, s = x + QR_BORDER * module, y + QR_BORDER * module, modules * module
    return np.array([(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)], dtype=np.float64)


def locate(gray: np.ndarray, page: SheetPage, code: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Return the transform from page mm to image pixels, from the four registration marks."""
    # Marks are looked for nearest the code first; each one found sharpens where the next is expected.
    corners_mm = code_corners_mm(page)
    marks_mm = np.array(page.marks, dtype=np.float64)
    scale = np.linalg.norm(code[1] - code[0]) / np.linalg.norm(corners_mm[1] - corners_mm[0])
    found: dict[int, tuple[float, float]] = {}
    notes: list[str] = []
    for i in sorted(range(4), key=lambda i: np.linalg.norm(marks_mm[i] - corners_mm.mean(axis=0))):
        known_mm = np.vstack([corners_mm, *[marks_mm[j] for j in found]])
        known_px = np.vstack([code, *[found[j] for j in found]])
        # Affine, not perspective: a perspective fit to points that crowd round the code goes wild far from them.
        fit, *_ = np.linalg.lstsq(np.hstack([known_mm, np.ones((len(known_mm), 1))]), known_px, rcond=None)
        guess = np.append(marks_mm[i], 1.0) @ fit
        # The last marks are far from what is known, and perspective moves them most: look wider.
        centre = _find_mark(gray, guess, scale, SEARCH if len(found) < 2 else SEARCH_FAR)
        if centre is None:
            mx, my = marks_mm[i]
            raise NotASheet(f"registration mark near ({mx:.0f} mm, {my:.0f} mm) not found")
        found[i] = centre
    found_list = [found[i] for i in range(4)]
    exact = cv2.getPerspectiveTransform(marks_mm.astype(np.float32), np.array(found_list, dtype=np.float32))
    back = cv2.perspectiveTransform(code.reshape(-1, 1, 2), np.linalg.inv(exact)).reshape(-1, 2)
    error = float(np.max(np.linalg.norm(back - code_corners_mm(page), axis=1)))
    if error > 2.5:
        raise NotASheet(f"the registration marks and the code disagree by {error:.1f} mm (folded or cut sheet?)")
    return exact, notes


def _find_mark(gray: np.ndarray, guess: np.ndarray, scale: float, search: float) -> tuple[float, float] | None:
    """Return the centre of the dark square nearest guess, or None."""
    half = int(search * scale)
    x0, y0 = int(guess[0]) - half, int(guess[1]) - half
    h, w = gray.shape
    if x0 + 2 * half < 0 or y0 + 2 * half < 0 or x0 >= w or y0 >= h:
        return None
    crop = gray[max(y0, 0) : min(y0 + 2 * half, h), max(x0, 0) : min(x0 + 2 * half, w)]
    if crop.size == 0:
        return None
    _, dark = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(dark, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    side = MARK_SIZE * scale
    best, best_distance = None, None
    for contour in contours:
        (cx, cy), (w, h), _ = cv2.minAreaRect(contour)
        if not (0.6 * side < min(w, h) and max(w, h) < 1.5 * side and max(w, h) < 1.3 * min(w, h)):
            continue
        if cv2.contourArea(contour) < 0.86 * w * h:  # a solid square fills its box; a filled bubble does not
            continue
        cx, cy = cx + max(x0, 0), cy + max(y0, 0)
        distance = (cx - guess[0]) ** 2 + (cy - guess[1]) ** 2
        if best_distance is None or distance < best_distance:
            best, best_distance = (float(cx), float(cy)), distance
    return best


def straighten(gray: np.ndarray, page: SheetPage, transform: np.ndarray) -> np.ndarray:
    """Return the page upright at PX pixels a mm, divided by its background (paper = 255)."""
    w, h = page.size
    to_pixels = np.diag([1 / PX, 1 / PX, 1.0])
    size = (round(w * PX), round(h * PX))
    upright = cv2.warpPerspective(
        gray, transform @ to_pixels, size, flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderValue=255
    )
    small = cv2.resize(upright, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((9, 9), np.uint8))  # bubbles and text are narrower than 9 px here (6 mm)
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = cv2.resize(paper, size, interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = upright.astype(np.float32) / np.maximum(paper, 1.0)
    return np.clip(flat * 255.0, 0, 255).astype(np.uint8)


def _disk(radius: float) -> tuple[np.ndarray, int]:
    k = int(np.ceil(radius))
    yy, xx = np.mgrid[-k : k + 1, -k : k + 1]
    return (xx**2 + yy**2 <= radius**2), k


def measure(flat: np.ndarray, rows: tuple[Row, ...]) -> list[list[float]]:
    """Return each bubble's darkness (0 white, 1 black) over a disk inside its ring."""
    disk, k = _disk(BUBBLE_R * INNER * PX)
    dark = 1.0 - flat.astype(np.float32) / 255.0
    levels = []
    for row in rows:
        values = []
        for b in row.bubbles:
            cx, cy = round(b.x * PX), round(b.y * PX)
            patch = dark[cy - k : cy + k + 1, cx - k : cx + k + 1]
            values.append(float(patch[disk].mean()) if patch.shape == disk.shape else 0.0)
        levels.append(values)
    return levels


def decide(row: Row, levels: list[float], blank: float) -> RowReading:
    """Decide what a row says from its bubbles' darkness above the blank level."""
    above = tuple(round(v - blank, 3) for v in levels)
    strongest = max(above)
    filled = [i for i, v in enumerate(above) if v >= FILLED]
    faint = [i for i, v in enumerate(above) if FAINT <= v < FILLED and not (filled and v < ERASED * strongest)]
    chosen = tuple(row.bubbles[i].value for i in filled)
    if faint:
        names = ", ".join(row.bubbles[i].value for i in faint)
        return RowReading(row, above, chosen, "ambiguous", f"faint mark at {names}")
    if not filled:
        return RowReading(row, above, (), "blank")
    if len(filled) > 1 and not row.many:
        return RowReading(
            row, above, chosen, "ambiguous", f"{len(filled)} marks ({', '.join(chosen)}) in a one-answer row"
        )
    return RowReading(row, above, chosen, "ok")


def read_sheet(gray: np.ndarray, pages: dict[str, SheetPage]) -> tuple[SheetPage, SheetReading]:
    """Read a sheet; pages maps each QR text this pack prints to its page layout.

    Raises NotASheet for an image without a readable code or marks, and
    KeyError(payload fields) for a sheet this pack did not print.
    """
    text, code = find_code(gray)
    page = pages.get(text)
    if page is None:
        raise KeyError(parse_payload(text))
    transform, notes = locate(gray, page, code)
    flat = straighten(gray, page, transform)
    all_rows = page.rows + page.digits
    levels = measure(flat, all_rows)
    blank = float(np.median([v for row in levels for v in row]))
    decided = [decide(row, values, blank) for row, values in zip(all_rows, levels, strict=True)]
    reading = SheetReading(
        parse_payload(text), decided[: len(page.rows)], decided[len(page.rows) :], flat, blank, notes
    )
    return page, reading
