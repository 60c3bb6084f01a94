"""The decks, read from the built files: slides PDF, notes PDF and PowerPoint, all from one slide plan."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import PACK, REPO, flat
from emcon.markdown import plain_text
from emcon.project import load_project
from emcon.slideplan import plan_deck
from emcon.theme import Theme

PACKS = ("soldier-basic", "leader-brief", "civilian-frontline")  # the tests that read English words
DECKS = (*PACKS, "soldier-basic-uk", "civilian-frontline-uk")  # the tests of a deck's shape, in any language
MM = 72 / 25.4


def pptx():
    return pytest.importorskip("pptx")


@pytest.fixture(scope="module")
def curriculum():
    project, _ = load_project(REPO)
    return project.curriculum


def pages_text(reader: PdfReader) -> list[str]:
    return [flat(page.extract_text()) for page in reader.pages]


def slides_of(default_build, pack_id: str) -> list[str]:
    return pages_text(PdfReader(default_build / pack_id / "slides.pdf"))


def taught_minutes(pack, modules) -> int:
    """The minutes the deck is shown: opening, modules and closing (not a quiz given apart), at most the pack's."""
    return min(pack.minutes, sum(s.minutes for s in pack.opening + pack.closing) + sum(m.minutes for m in modules))


# ---------------------------------------------------------------- the plan, read from the slides PDF


@pytest.mark.parametrize("pack_id", DECKS)
def test_at_most_1_2_slides_per_taught_minute(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    slides = len(PdfReader(default_build / pack_id / "slides.pdf").pages)
    minutes = taught_minutes(pack, curriculum.pack_modules(pack))
    assert slides <= 1.2 * minutes, (slides, minutes)
    if pack_id == "soldier-basic" and pack.minutes == 45 and minutes == 45:
        assert slides <= 54


def svg_words(path) -> list[str]:
    """Return the texts an SVG figure draws (each a line WeasyPrint sets as PDF text)."""
    tree = etree.parse(str(path))
    texts = ["".join(t.itertext()).strip() for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    return [flat(t) for t in texts if len(t) > 3]


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_figure_is_on_a_slide_large_with_its_caption(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    reader = PdfReader(default_build / pack_id / "slides.pdf")
    texts = pages_text(reader)
    figures = [s for m in curriculum.pack_modules(pack) for s in m.sections if s.figure]
    for section in figures:
        words = svg_words(REPO / "content" / section.figure.file)
        pages = [
            i for i, text in enumerate(texts) if flat(section.heading) in text and sum(w in text for w in words) >= 2
        ]
        assert pages, section.figure.file
        caption_start = flat(plain_text(section.figure.caption))[:25]
        assert caption_start in texts[pages[0]], section.figure.file


@pytest.mark.parametrize("pack_id", PACKS)
def test_no_quote_twice_and_never_three_quote_slides_in_a_row(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    texts = slides_of(default_build, pack_id)
    quotes = {flat(q.text) for m in curriculum.pack_modules(pack) for q in m.quotes}
    shown = 0
    for quote in quotes:
        on = [i for i, text in enumerate(texts) if f"“{quote}”" in text]
        assert len(on) <= 1, quote
        shown += len(on)
    assert shown >= 1
    is_quote = ["QUOTE" in text.split("UNCLASSIFIED")[1][:40] if "UNCLASSIFIED" in text else False for text in texts]
    runs = "".join("q" if q else "." for q in is_quote)
    assert "qqq" not in runs, runs


@pytest.mark.parametrize("pack_id", PACKS)
def test_deck_has_agenda_objective_checks_quiz_and_closing(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    texts = slides_of(default_build, pack_id)
    modules = curriculum.pack_modules(pack)
    assert "Agenda" in texts[1]
    if pack.terminal_objective:
        action = flat(pack.terminal_objective.action)
        assert action in texts[2] and action in texts[-1]  # the closing restates it
    checks = sum(1 for m in modules for s in m.steps if s.method == "check")
    assert sum("Check on learning" in t for t in texts) >= checks
    assert any("Written quiz" in t and f"{pack.quiz.pass_mark} %" in t for t in texts)


def test_do_and_dont_share_one_slide(default_build):
    for text in slides_of(default_build, "soldier-basic"):
        if "Do and don't" in text:
            assert "✓" in text and "✗" in text


def test_module_story_comes_before_its_conclusions(default_build, curriculum):
    texts = slides_of(default_build, "soldier-basic")
    pack = curriculum.packs["soldier-basic"]
    for n, module in enumerate(curriculum.pack_modules(pack), 1):
        mine = [i for i, t in enumerate(texts) if f"MODULE {n}" in t]
        kinds = [("case" if "CASE STUDY" in texts[i] else "points" if "Key points" in texts[i] else "") for i in mine]
        if "case" in kinds and "points" in kinds:
            assert kinds.index("case") < kinds.index("points"), module.id


# ---------------------------------------------------------------- speaker notes


@pytest.mark.parametrize("pack_id", PACKS)
def test_notes_pdf_has_each_slide_on_its_own_page_with_notes(default_build, pack_id):
    slides = PdfReader(default_build / pack_id / "slides.pdf")
    notes = PdfReader(default_build / pack_id / "notes.pdf")
    total = len(slides.pages)
    assert len(notes.pages) == total
    for number, page in enumerate(notes.pages, 1):
        text = flat(page.extract_text())
        assert f"Slide {number} / {total}:" in text
        after = text.split(f"Slide {number} / {total}:", 1)[1]
        assert len(after.split()) >= 20, (number, after)  # notes written for the slide, not a title alone
        xobjects = page["/Resources"]["/XObject"]
        forms = [name for name in xobjects if name.startswith("/Slide")]
        assert len(forms) == 1 and xobjects[forms[0]]["/Subtype"] == "/Form", number  # the laid-out slide, placed


def test_notes_carry_the_step_script_and_the_content(default_build, curriculum):
    notes = pages_text(PdfReader(default_build / "soldier-basic" / "notes.pdf"))
    pack = curriculum.packs["soldier-basic"]
    modules = curriculum.pack_modules(pack)
    steps = [s for m in modules for s in m.steps]
    for step in steps:
        assert any(flat(plain_text(step.title)) in page and f"{step.minutes} min" in page for page in notes), step.title
        for line in (step.ask, step.listen_for):
            if line:
                assert any(flat(plain_text(line))[:60] in page for page in notes), line
    answers = [d.good_answer for m in modules for d in m.discussion]
    assert any(flat(plain_text(a))[:50] in " ".join(notes) for a in answers)
    assert not re.search(r"\((?:nyt-ap-2023|schneier-2022)\)", " ".join(notes))  # no citation keys


def test_no_generic_notes_repeated_across_slides(default_build):
    notes = pages_text(PdfReader(default_build / "soldier-basic" / "notes.pdf"))
    bodies = [page.split(":", 1)[1] for page in notes]
    assert len(set(bodies)) == len(bodies)


# ---------------------------------------------------------------- the PowerPoint deck


@pytest.mark.parametrize("pack_id", DECKS)
def test_pptx_opens_with_the_pdfs_slides_notes_marking_numbers_and_pictures(default_build, curriculum, pack_id):
    Presentation = pptx().Presentation
    pack = curriculum.packs[pack_id]
    deck = Presentation(default_build / pack_id / "slides.pptx")
    total = len(PdfReader(default_build / pack_id / "slides.pdf").pages)
    assert len(deck.slides) == total
    pictures = 0
    for number, slide in enumerate(deck.slides, 1):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert texts.count(pack.classification) == 2, number  # top and bottom
        assert f"{number} / {total}" in texts
        assert slide.shapes.title.text_frame.text.strip(), number
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes) >= 100, (number, notes)  # notes written for the slide (Ukrainian words run longer)
        pictures += sum(1 for shape in slide.shapes if shape.shape_type == 13)  # MSO_SHAPE_TYPE.PICTURE
    figures = [s for m in curriculum.pack_modules(pack) for s in m.sections if s.figure]
    assert pictures >= len(figures) >= 1


def test_pptx_has_fixed_dates_so_builds_give_the_same_bytes(default_build, make_project, run, tmp_path):
    with zipfile.ZipFile(default_build / "soldier-basic" / "slides.pptx") as deck:
        assert {info.date_time for info in deck.infolist()} == {(2026, 11, 22, 12, 0, 0)}  # the pack's date
        core = deck.read("docProps/core.xml").decode()
        assert "2026-11-22T12:00:00" in core
    root = make_project()
    for out in ("one", "two"):
        result = run(
            "build", "--project", root, "--out", tmp_path / out, "--only", "slides-pptx", "--only", "notes-pdf"
        )
        assert result.exit_code == 0, result.output
    for name in ("slides.pptx", "notes.pdf"):
        assert (tmp_path / "one/basic" / name).read_bytes() == (tmp_path / "two/basic" / name).read_bytes(), name


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_pptx_to_as_many_pages(default_build, tmp_path):
    deck = default_build / "civilian-frontline" / "slides.pptx"
    shutil.copy(deck, tmp_path / "deck.pptx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "deck.pptx"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    converted = PdfReader(tmp_path / "deck.pdf")
    assert len(converted.pages) == len(PdfReader(default_build / "civilian-frontline" / "slides.pdf").pages)


# ---------------------------------------------------------------- footers


def footer_lines(page) -> set[int]:
    """Return the lines of text in a page's bottom margin: baselines less than 4 pt apart count as one."""
    baselines = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y < 15 * MM:
            baselines.append(y)

    page.extract_text(visitor_text=visit)
    lines: set[int] = set()
    for y in sorted(baselines):
        if not any(abs(y - line) < 4 for line in lines):
            lines.add(round(y))
    return lines


# notes.pdf shares print.css's footer with these; pypdf reads the placed slide's own footer at the wrong height.
@pytest.mark.parametrize("name", ["briefing.pdf", "instructor.pdf", "slides.pdf", "key.pdf"])
def test_footer_stays_on_one_line(default_build, name):
    for pack_id in PACKS:
        reader = PdfReader(default_build / pack_id / name)
        for number, page in enumerate(reader.pages[:4], 1):
            lines = footer_lines(page)
            assert len(lines) == 1, (pack_id, name, number, lines)


def test_a_very_long_pack_title_is_cut_in_the_footer_not_wrapped(make_project, run, tmp_path):
    long_title = "A very long pack title that goes on and on about emissions discipline for every kind of audience"
    root = make_project({"content/packs/basic.yaml": PACK.replace("title: Basic pack", f"title: {long_title}")})
    out = tmp_path / "out"
    result = run("build", "--project", root, "--out", out, "--only", "briefing-pdf", "--only", "slides-pdf")
    assert result.exit_code == 0, result.output
    for name in ("briefing.pdf", "slides.pdf"):
        for page in PdfReader(out / "basic" / name).pages:
            assert len(footer_lines(page)) == 1, name
            assert "…" in page.extract_text(), name


# ---------------------------------------------------------------- the build


def test_notes_reuse_the_laid_out_slides(make_project, run, tmp_path, monkeypatch):
    import emcon.pdf

    laid_out = []
    real = emcon.pdf.render_pdf

    def counting(html, base_url, roots):
        laid_out.append("slides" if 'class="slide ' in html else "notes" if "slide-box-" in html else "other")
        return real(html, base_url, roots)

    monkeypatch.setattr(emcon.pdf, "render_pdf", counting)
    root = make_project()
    out = tmp_path / "out"
    result = run("build", "--project", root, "--out", out, "-j", "1", "--only", "slides-pdf", "--only", "notes-pdf")
    assert result.exit_code == 0, result.output
    assert sorted(laid_out) == ["notes", "slides"]
    laid_out.clear()  # the notes alone: the slides are laid out for them, and not written
    result = run("build", "--project", root, "--out", tmp_path / "notes-only", "-j", "1", "--only", "notes-pdf")
    assert result.exit_code == 0, result.output
    assert sorted(laid_out) == ["notes", "slides"]
    assert not (tmp_path / "notes-only/basic/slides.pdf").exists()
    manifest = (tmp_path / "notes-only/basic/manifest.json").read_text()
    assert '"kind": "notes-pdf"' in manifest


def test_manifest_lists_the_new_kinds(default_build):
    manifest = (default_build / "soldier-basic" / "manifest.json").read_text()
    for kind, path in (("notes-pdf", "notes.pdf"), ("slides-pptx", "slides.pptx"), ("slides-pdf", "slides.pdf")):
        assert f'"kind": "{kind}"' in manifest and f'"path": "{path}"' in manifest


# ---------------------------------------------------------------- the plan itself


STEPS_MODULE_TAIL = """\
case_studies:
  - {title: The case, body: What happened., lessons: [Lesson one.], sources: [src]}
discussion:
  - {question: Why does it matter?, good_answer: Because it does., watch_for: Guessing.}
"""


def twenty_minutes(module: str) -> dict[str, str]:
    """Return the files of a project whose one module and pack take 20 minutes: room for every slide."""
    return {
        "content/modules/alpha.yaml": module.replace("minutes: 5\n", "minutes: 20\n", 1),
        "content/packs/basic.yaml": re.sub(r"(?m)^minutes: \d+$", "minutes: 40", PACK),
    }


def plan_of(root):
    project, _ = load_project(root)
    pack = project.curriculum.packs["basic"]
    t = Theme(root / "templates").strings(pack.language)
    return plan_deck(pack, project.curriculum.pack_modules(pack), t, set(project.curriculum.sources))


def test_slides_follow_what_the_steps_show(make_project):
    from conftest import MODULE

    module = (
        MODULE.replace(
            "  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}",
            "  - {title: Talk, method: lecture, minutes: 8, shows: ['key_points', 'rules'], say: Point at the tower.}\n"
            "  - {title: Story, method: case-study, minutes: 12, shows: ['case_studies[0]', 'quotes[0]', 'discussion[0]'],"
            " ask: Who saw it?, listen_for: Everyone nearby.}",
        )
        + STEPS_MODULE_TAIL
    )
    deck = plan_of(make_project(twenty_minutes(module)))
    kinds = [s.kind for s in deck.slides]
    body = kinds[kinds.index("module") + 1 : kinds.index("quiz")]
    assert body == ["points", "rules", "case", "quote", "discussion"]
    notes = {s.kind: " ".join(deck.notes(s)) for s in deck.slides}
    assert "Say and do: Point at the tower." in notes["points"]
    assert "Ask: Who saw it?" in notes["discussion"] and "Listen for: Everyone nearby." in notes["discussion"]
    assert "Because it does." in notes["discussion"] and "Guessing." in notes["discussion"]


def test_without_shows_the_story_comes_first(make_project):
    from conftest import MODULE

    deck = plan_of(make_project(twenty_minutes(MODULE + STEPS_MODULE_TAIL)))
    kinds = [s.kind for s in deck.slides]
    assert kinds.index("quote") < kinds.index("case") < kinds.index("rules") < kinds.index("points")
    assert all(deck.notes(s) for s in deck.slides)
