"""Answer sheets: what the build makes, that the grader's geometry is where the PDF draws it, and bad input to grade."""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from pypdf import PdfReader

from conftest import flat
from emcon.grade.run import Sheets
from emcon.project import load_project
from emcon.sheet import BUBBLE_R, MARK_SIZE
from sheet_corpus import PEN, fill, photograph, render_page

REPO = Path(__file__).resolve().parent.parent


def test_default_packs_have_one_sheet_per_form_in_the_manifest(default_build):
    for pack in ("soldier-basic", "leader-brief", "civilian-frontline"):
        manifest = json.loads((default_build / pack / "manifest.json").read_text())
        sheets = [e for e in manifest["outputs"] if e["kind"] == "answer-sheet-pdf"]
        assert [(e["path"], e["form"], e["pages"]) for e in sheets] == [
            ("answer-sheet-A.pdf", "A", 1),
            ("answer-sheet-B.pdf", "B", 1),
        ]
    text = flat(PdfReader(default_build / "soldier-basic" / "answer-sheet-A.pdf").pages[0].extract_text())
    assert "Answer sheet · Form A" in text and "Student number" in text
    quiz = flat(PdfReader(default_build / "soldier-basic" / "quiz-B.pdf").pages[0].extract_text())
    assert "Answer on the answer sheet of form B: fill the bubbles there, not on this handout." in quiz


@pytest.fixture(scope="module")
def letter_build(tmp_path_factory, run):
    """The default curriculum with soldier-basic on US Letter: its answer sheets only."""
    root = tmp_path_factory.mktemp("letter") / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "emcon.yaml", root / "emcon.yaml")  # its audiences and markings
    pack = root / "content" / "packs" / "soldier-basic.yaml"
    pack.write_text(pack.read_text().replace("page_size: A4", "page_size: Letter"))
    args = ("build", "--project", root, "--out", root / "build", "--only", "answer-sheet-pdf", "soldier-basic")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("built 2 PDFs, 0 unchanged, 2 files")
    assert "(nothing changed)" in run(*args).output  # built incrementally like every other kind
    return root


@pytest.fixture(scope="module")
def run():
    from click.testing import CliRunner

    from emcon.cli import main

    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_marks_bubbles_and_code_are_where_the_grader_reads(size, default_build, letter_build):
    build = default_build if size == "A4" else letter_build / "build"
    project, _ = load_project(REPO if size == "A4" else letter_build)
    pack = project.curriculum.packs["soldier-basic"]
    sheets = Sheets(pack, project.curriculum.pack_modules(pack))
    page = next(p for p in sheets.pages.values() if p.form == "A")
    pdf = build / "soldier-basic" / "answer-sheet-A.pdf"
    width, height = (float(v) * 25.4 / 72 for v in PdfReader(pdf).pages[0].mediabox[2:])
    assert (round(width, 1), round(height, 1)) == page.size
    dpi = 300
    image = render_page(pdf, 1, dpi).astype(float) / 255
    px = dpi / 25.4

    def at(x: float, y: float) -> float:
        return image[round(y * px), round(x * px)]

    for x, y in page.marks:  # solid squares: dark at the centre and just inside the edge, white outside
        assert at(x, y) < 0.2 and at(x + MARK_SIZE / 2 - 0.3, y) < 0.2 and at(x + MARK_SIZE / 2 + 0.4, y) > 0.8
    for row in page.rows + page.digits:
        for b in row.bubbles:  # a ring: dark on the circle in four directions, white between centre and ring
            ring = [
                at(b.x + dx * (BUBBLE_R - 0.15), b.y + dy * (BUBBLE_R - 0.15))
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
            ]
            assert max(ring) < 0.5, (row.name, b.value, ring)
            assert at(b.x + BUBBLE_R + 0.35, b.y) > 0.8
    (code,) = zxingcpp.read_barcodes((image * 255).astype(np.uint8))
    assert code.text == page.payload
    assert code.text.startswith("EMCON1|soldier-basic|1.0|A|1/1|")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_bad_input_is_reported_with_file_and_page_and_the_rest_is_graded(default_build, run, tmp_path):
    project, _ = load_project(REPO)
    pack = project.curriculum.packs["soldier-basic"]
    sheets = Sheets(pack, project.curriculum.pack_modules(pack))
    page = next(p for p in sheets.pages.values() if p.form == "A")
    scans = tmp_path / "scans"
    scans.mkdir()
    blank = render_page(default_build / "soldier-basic" / "answer-sheet-A.pdf", 1, 150)
    import cv2

    for n in (1, 2):  # two sheets with the same student number
        rng = random.Random(n)
        plan = {(r, 0): PEN for r in range(len(page.rows))}
        cv2.imwrite(
            str(scans / f"good-{n}.png"), photograph(fill(blank, page, 150, rng, "00000042", plan).image, rng, False)
        )
    (scans / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    shutil.copy(default_build / "soldier-basic" / "quiz-A.pdf", scans / "handout.pdf")  # not a sheet
    shutil.copy(default_build / "leader-brief" / "answer-sheet-B.pdf", scans / "other.pdf")  # another pack's
    (scans / "empty.pdf").write_bytes(b"")
    out = tmp_path / "out"
    before = {p for p in tmp_path.rglob("*")}
    result = run("grade", "--project", REPO, "soldier-basic", scans, "--out", out)
    assert result.exit_code == 0, result.output
    assert {p for p in tmp_path.rglob("*")} - before <= {out, *out.rglob("*")}, "nothing written outside --out"
    review = read_csv(out / "review.csv")
    problems = {(Path(r["file"]).name, r["page"], r["problem"]) for r in review}
    handout_pages = len(PdfReader(scans / "handout.pdf").pages)
    expected = {
        ("broken.jpg", "", "not an image emcon can read (PNG, JPEG, TIFF or PDF)"),
        ("other.pdf", "1", "a sheet of pack 'leader-brief', not 'soldier-basic'"),
        ("good-1.png", "", f"duplicate student number 00000042 (also {scans / 'good-2.png'})"),
        ("good-2.png", "", f"duplicate student number 00000042 (also {scans / 'good-1.png'})"),
    } | {
        ("handout.pdf", str(n), "no answer-sheet code found (not an answer sheet, or the code is not legible)")
        for n in range(1, handout_pages + 1)
    }
    assert expected <= problems
    assert any(name == "empty.pdf" and text.startswith("cannot open PDF:") for name, _, text in problems)
    results = read_csv(out / "results.csv")
    assert len(results) == 2 + 1 + handout_pages + 1 + 1  # every page and file has its row
    graded = [r for r in results if r["result"] != "not read"]
    assert [(r["student_number"], r["form"]) for r in graded] == [("00000042", "A"), ("00000042", "A")]
    assert "graded 2 sheets" in result.output


EVERY_KIND = """\
  - {id: a-3, type: multiple, objective: explain-alpha, prompt: Pick two., choices: [One, Two, Three], answer: [a, c], explanation: So (src)., source: src}
  - {id: a-4, type: matching, objective: explain-alpha, prompt: Match., pairs: [{left: L1, right: R1}, {left: L2, right: R2}, {left: L3, right: R3}], explanation: So (src)., source: src}
  - {id: a-5, type: ordering, objective: explain-alpha, prompt: Order., sequence: [S1, S2, S3, S4], explanation: So (src)., source: src}
  - {id: a-6, type: short, objective: explain-alpha, prompt: Name it., answer: [EMCON], explanation: So (src)., source: src}
"""


def test_every_kind_of_question_is_read_and_scored_from_a_photo(run, tmp_path):
    """A sheet with every item type, each answered right but the ordering (two steps swapped), photographed."""
    from conftest import BASE
    from emcon.grade.score import key_values

    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    module = root / "content" / "modules" / "alpha.yaml"
    module.write_text(module.read_text() + EVERY_KIND)
    pack = root / "content" / "packs" / "basic.yaml"
    pack.write_text(pack.read_text().replace("questions: 2,", "questions: 6, answer_sheets: true, pass_mark: 75,"))
    result = run("build", "--project", root, "--out", root / "build", "--only", "answer-sheet-pdf", "basic")
    assert result.exit_code == 0, result.output
    project, _ = load_project(root)
    sheets = Sheets(
        project.curriculum.packs["basic"], project.curriculum.pack_modules(project.curriculum.packs["basic"])
    )
    form = sheets.forms["B"]
    page = next(p for p in sheets.pages.values() if p.form == "B")
    assert sorted({row.kind for row in page.rows}) == [
        "matching",
        "multiple",
        "ordering",
        "short",
        "single",
        "true-false",
    ]
    plan = {}
    swapped = next(q.number for q in form.questions if q.type == "ordering")
    for q in form.questions:
        rows = [(i, row) for i, row in enumerate(page.rows) if row.question == q.number]
        key = key_values(q)
        if q.number == swapped:
            key[0], key[1] = key[1], key[0]
        for (index, row), values in zip(rows, key, strict=True):
            for k, bubble in enumerate(row.bubbles):
                if bubble.value in values:
                    plan[(index, k)] = PEN
    rng = random.Random(5)
    blank = render_page(root / "build" / "basic" / "answer-sheet-B.pdf", 1, 200)
    scans = tmp_path / "scans"
    scans.mkdir()
    import cv2

    cv2.imwrite(str(scans / "photo.jpg"), photograph(fill(blank, page, 200, rng, "1234", plan).image, rng, True))
    out = tmp_path / "out"
    result = run("grade", "--project", root, "basic", scans, "--out", out)
    assert result.exit_code == 0, result.output
    (row,) = read_csv(out / "results.csv")
    assert (row["student_number"], row["form"], row["score"], row["points"]) == ("1234", "B", "5", "6")
    assert (row["percent"], row["result"], row["to_review"]) == ("83.3", "pass", "0")
    by_type = {q.type: row[f"Q{q.number}"] for q in form.questions}
    assert by_type["short"] == "right"
    assert by_type["multiple"] == "+".join(sorted(next(q for q in form.questions if q.type == "multiple").answer))
    matching = next(q for q in form.questions if q.type == "matching")
    assert by_type["matching"] == ",".join(matching.answer)
    assert len(by_type["ordering"].split(",")) == 4
