"""`emcon grade` on a corpus the tests make from the real answer sheets.

Sheets of soldier-basic (forms A and B) are filled with known marks (pen, pencil,
blanks, erasures, two marks in a one-answer row, faint touches), rendered at
150-300 dpi, then scanned (slight rotation, sometimes upside down) or
photographed (perspective, any rotation, uneven light, blur, noise, JPEG).
Some sheets go in as one multi-page scanned PDF. The grade must read at least
99.9 % of bubbles right, flag every row that cannot be decided, and never be
silently wrong.
"""

from __future__ import annotations

import csv
import multiprocessing
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from emcon.grade.run import Sheets
from emcon.project import load_project
from sheet_corpus import ERASED, FAINT, PEN, PENCIL, corpus_jobs, make_sheet

REPO = Path(__file__).resolve().parent.parent
PACK = "soldier-basic"
COUNT = 210
IN_PDF = 12  # the last sheets of the corpus go into one scanned PDF instead of image files


@pytest.fixture(scope="session")
def sheets() -> Sheets:
    project, _ = load_project(REPO)
    pack = project.curriculum.packs[PACK]
    return Sheets(pack, project.curriculum.pack_modules(pack))


@pytest.fixture(scope="session")
def corpus(sheets, run_session, tmp_path_factory):
    """Make the corpus once per session (two processes); return its folder and the truth by file name."""
    build = tmp_path_factory.mktemp("sheets") / "build"
    result = run_session("build", "--project", REPO, "--out", build, "--only", "answer-sheet-pdf", PACK)
    assert result.exit_code == 0, result.output
    folder = tmp_path_factory.mktemp("corpus")
    jobs = corpus_jobs(sheets.pages, build / PACK, folder, COUNT)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        made = pool.map(make_sheet, jobs, chunksize=8)
    truth = dict(made)
    # The last sheets: scanned (not photographed) PNGs into one PDF, as a scanner's feeder makes it.
    scanned = [name for name, t in made if not t.phone][-IN_PDF:]
    images = [Image.open(folder / name).convert("L") for name in scanned]
    images[0].save(folder / "feeder.pdf", save_all=True, append_images=images[1:], resolution=150)
    for page, name in enumerate(scanned, 1):
        (folder / name).unlink()
        truth[f"feeder.pdf#{page}"] = truth.pop(name)
    return folder, truth


@pytest.fixture(scope="session")
def graded(corpus, run_session, tmp_path_factory):
    folder, truth = corpus
    out = tmp_path_factory.mktemp("graded") / "out"
    result = run_session("grade", "--project", REPO, PACK, folder, "--out", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    return out, truth, result.output


@pytest.fixture(scope="session")
def run_session():
    from click.testing import CliRunner

    from emcon.cli import main

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def row_values(response: str, kind: str, parts: int) -> list[set[str] | None]:
    """Return what each row of a question was read as (None: flagged '?'), from a results cell."""
    cells = response.split(",") if kind in ("matching", "ordering") else [response]
    assert len(cells) == parts, (response, kind, parts)
    found = []
    for cell in cells:
        if cell == "?":
            found.append(None)
        elif cell in ("", "_"):
            found.append(set())
        else:
            found.append(set(cell.split("+")))
    return found


def test_corpus_is_read_right(graded, sheets):
    out, truth, output = graded
    results = {
        (Path(r["file"]).name + (f"#{r['page']}" if r["page"] else "")): r for r in read_csv(out / "results.csv")
    }
    assert set(results) == set(truth), "every sheet has its row in results.csv"
    review = read_csv(out / "review.csv")
    confusion: Counter = Counter()
    silent, unflagged, false_alarms, rows_total = [], [], 0, 0
    for name, t in sorted(truth.items()):
        result = results[name]
        assert result["form"] == t.form, name
        page = next(p for p in sheets.pages.values() if p.form == t.form and p.page == 1)
        if result["student_number"] != t.student:
            assert any(r["file"].endswith(name.split("#")[0]) and "student number" in r["problem"] for r in review), (
                name
            )
        by_question: dict[int, list] = {}
        for index, row in enumerate(page.rows):
            by_question.setdefault(row.question, []).append((index, row))
        for number, rows in by_question.items():
            read = row_values(result[f"Q{number}"], rows[0][1].kind, len(rows))
            for (index, row), got in zip(rows, read, strict=True):
                rows_total += 1
                kinds = {k: t.marks.get((index, k), "empty") for k in range(len(row.bubbles))}
                filled = {row.bubbles[k].value for k, kind in kinds.items() if kind in (PEN, PENCIL)}
                undecidable = FAINT in kinds.values() or (len(filled) > 1 and not row.many)
                for k, kind in kinds.items():
                    state = "flagged" if got is None else "filled" if row.bubbles[k].value in got else "empty"
                    confusion[(kind, state)] += 1
                if got is None:
                    false_alarms += not undecidable
                elif undecidable:
                    unflagged.append((name, row.name, kinds, got))
                elif got != filled:
                    silent.append((name, row.name, kinds, got, filled))
    bubbles = sum(confusion.values())
    wrong = sum(n for (kind, state), n in confusion.items() if _wrong(kind, state))
    print(f"\n{len(truth)} sheets, {rows_total} rows, {bubbles} bubbles; grade said: {output.strip()}")
    print("truth \\ read:      filled    empty  flagged")
    for kind in (PEN, PENCIL, ERASED, FAINT, "empty"):
        counts = [confusion[(kind, s)] for s in ("filled", "empty", "flagged")]
        print(f"{kind:>12}  {counts[0]:>8} {counts[1]:>8} {counts[2]:>8}")
    print(f"bubbles read right: {1 - wrong / bubbles:.5f}; rows flagged without cause: {false_alarms}")
    assert not silent, f"silently wrong rows: {silent[:5]}"
    assert not unflagged, f"undecidable rows not flagged: {unflagged[:5]}"
    assert wrong / bubbles <= 0.001
    assert false_alarms <= 0.01 * rows_total


def _wrong(kind: str, state: str) -> bool:
    """Tell whether a bubble's reading is wrong: a flag counts as right only where a human must decide."""
    if kind == FAINT:
        return state != "flagged"
    if state == "flagged":
        return False  # counted as a false alarm of its row, not a misread
    return state != ("filled" if kind in (PEN, PENCIL) else "empty")


def test_results_are_private_sorted_and_for_spreadsheets(graded):
    out, truth, _ = graded
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert b"\r\n" in raw
    rows = read_csv(out / "results.csv")
    numbers = [r["student_number"] for r in rows if r["student_number"]]
    assert numbers == sorted(numbers)
    for path in [out / "results.csv", out / "review.csv", out / "item-analysis.html", out / "item-analysis.pdf"]:
        assert path.stat().st_mode & 0o777 == 0o600, path
    images = sorted((out / "sheets").iterdir())
    assert len(images) == len(truth)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in images)
    assert (out / "sheets").stat().st_mode & 0o777 == 0o700
    first = np.asarray(Image.open(images[0]))
    assert first.ndim == 3  # annotated in colour
