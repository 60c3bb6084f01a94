"""What an instructor checks before teaching from the default packs, read from the built outputs.

Page fill is measured with `pdftotext -bbox` (poppler): a page's fill is how far down its text
area the lowest word of body text sits (banner, footer and the 1 pt running strings left out),
as a fraction of the text area's height. A page is "less than a third full" when that is < 1/3.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, flat
from emcon.model import pack_timing
from emcon.project import load_project
from emcon.render.instructor import clock, timetable

PACKS = ("soldier-basic", "leader-brief", "civilian-frontline")
TOP, BOTTOM = 68.0, 62.0  # pt: the page margins that hold banner and footer (print.css: 24 mm, 22 mm)
THIRD = 1 / 3


@pytest.fixture(scope="module")
def curriculum():
    project, _ = load_project(REPO)
    return project.curriculum


def pdf_text(path: Path) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def page_fills(path: Path) -> list[tuple[float, str]]:
    """Return each page's fill (0-1) and the first words of its body text."""
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fills = []
    for page in re.findall(r"<page (.*?)</page>", xml, re.S):
        height = float(re.search(r'height="([\d.]+)"', page)[1])
        words = [
            (float(y0), float(y1), w)
            for y0, y1, w in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)
        ]
        body = [(y0, y1, w) for y0, y1, w in words if y1 - y0 > 3 and y0 > TOP and y1 < height - BOTTOM]
        lowest = max((y1 for _, y1, _ in body), default=TOP)
        fills.append(((lowest - TOP) / (height - TOP - BOTTOM), " ".join(w for _, _, w in body[:4])))
    return fills


# ------------------------------------------------------------------ timetable and pass mark


@pytest.mark.parametrize("pack_id", PACKS)
def test_timetable_adds_up_to_the_pack_minutes_with_the_quiz(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    modules = curriculum.pack_modules(pack)
    slots = timetable(pack, modules)
    assert sum(s.minutes for s in slots) == pack.minutes == sum(pack_timing(pack, modules).values())
    quiz = slots[-1]
    assert (quiz.part, quiz.minutes) == ("quiz", pack.quiz.minutes)
    text = pdf_text(default_build / pack_id / "instructor.pdf")
    assert f"{quiz.clock} Written quiz (form A, B; pass mark {pack.quiz.pass_mark}%)" in text
    assert f"{clock(pack.minutes)} Total {pack.minutes}" in text


@pytest.mark.parametrize("pack_id", PACKS)
def test_pass_mark_on_every_form_the_key_and_the_guide(default_build, curriculum, pack_id):
    mark = curriculum.packs[pack_id].quiz.pass_mark
    for name in ("quiz-A.pdf", "quiz-B.pdf", "key.pdf", "instructor.pdf"):
        assert re.search(rf"Pass mark:? ?{mark}% \(\d+", pdf_text(default_build / pack_id / name)), name


@pytest.mark.parametrize("pack_id", PACKS)
def test_quiz_forms_ask_for_the_packs_fields(default_build, curriculum, pack_id):
    fields = curriculum.packs[pack_id].quiz.fields
    header = flat(PdfReader(default_build / pack_id / "quiz-A.pdf").pages[0].extract_text()).upper()
    names = {"name": "NAME", "unit": "UNIT", "date": "DATE", "group": "GROUP", "student-number": "STUDENT NUMBER"}
    for field, label in names.items():
        assert (label in header.split("TIME ALLOWED")[0]) == (field in fields), field


# ------------------------------------------------------------------ learner outputs


def learner_texts(build: Path, pack_id: str) -> dict[str, str]:
    """Return the text of every output a learner is given."""
    folder = build / pack_id
    texts = {p.name: pdf_text(p) for p in folder.glob("*.pdf") if p.name.startswith(("briefing", "card", "quiz", "ex"))}
    for page in [folder / "briefing.html", folder / "quiz.html", *sorted((folder / "site").glob("*.html"))]:
        texts[page.relative_to(folder).as_posix()] = flat(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("pack_id", PACKS)
def test_no_citation_key_or_instructor_note_in_learner_outputs(default_build, curriculum, pack_id):
    pack = curriculum.packs[pack_id]
    modules = curriculum.pack_modules(pack)
    keys = "|".join(re.escape(s) for s in curriculum.sources)
    notes = [flat(n)[:60] for m in modules for n in m.instructor_notes]
    notes += [flat(s.reliability)[:60] for s in curriculum.sources.values()]
    notes += [flat(e.expected)[:60] for m in modules for e in m.exercises]
    notes += [flat(o.condition) for m in modules for o in m.objectives]
    texts = learner_texts(default_build, pack_id)
    assert "key.pdf" not in texts and "instructor.pdf" not in texts
    for name, text in texts.items():
        assert not re.search(rf"\((?:{keys})\)", text), name
        for note in notes:
            assert note not in text, (name, note)


@pytest.mark.parametrize("pack_id", PACKS)
def test_briefing_objectives_say_what_the_learner_can_do(default_build, curriculum, pack_id):
    text = pdf_text(default_build / pack_id / "briefing.pdf")
    modules = curriculum.pack_modules(curriculum.packs[pack_id])
    assert text.count("After this lesson you can:") == len(modules)
    assert "Condition" not in text and "Standard" not in text


def test_exercise_handout_has_scenario_task_material_and_no_rubric(default_build, curriculum):
    for pack_id in PACKS:
        modules = curriculum.pack_modules(curriculum.packs[pack_id])
        exercises = [e for m in modules for e in m.exercises]
        path = default_build / pack_id / "exercises.pdf"
        assert path.is_file() == bool(exercises), pack_id
        if not exercises:
            continue
        text = pdf_text(path)
        for e in exercises:
            assert flat(e.scenario)[:80] in text and flat(e.title) in text
            for doc in e.material:
                assert flat(doc.title) in text
            for row in e.rubric:
                assert flat(row.go) not in text and flat(row.no_go) not in text
            assert flat(e.expected)[:60] not in text
        assert "GO" not in text.replace("GOOD", "")
    assert any((default_build / p / "exercises.pdf").is_file() for p in PACKS)


# ------------------------------------------------------------------ pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("name", ["briefing.pdf", "instructor.pdf", "key.pdf", "quiz-A.pdf", "quiz-B.pdf"])
def test_no_page_less_than_a_third_full(default_build, pack_id, name):
    fills = page_fills(default_build / pack_id / name)
    # Exempt: the last page, and a page after which a new module or form begins.
    starts = re.compile(r"^(MODULE \d|Form [A-Z]\b|Timetable|Question map)")
    thin = [
        (number, round(fill, 2))
        for number, (fill, _) in enumerate(fills[:-1], 1)
        if fill < THIRD and not starts.match(fills[number][1])
    ]
    assert thin == [], f"{pack_id}/{name}: pages (number, fill) under a third full: {thin}"


def test_every_multi_page_pdf_has_an_outline(default_build):
    pdfs = sorted(default_build.glob("*/*.pdf"))
    assert len(pdfs) >= 15
    for path in pdfs:
        reader = PdfReader(path)
        if len(reader.pages) > 1:
            assert reader.outline, path.relative_to(default_build)


@pytest.mark.parametrize("name", ["briefing.pdf", "instructor.pdf"])
def test_contents_has_one_working_link_per_entry(default_build, name):
    reader = PdfReader(default_build / "soldier-basic" / name)
    number, page = next((i, p) for i, p in enumerate(reader.pages) if "Contents" in p.extract_text())
    links = [a.get_object() for a in page.get("/Annots", []) if a.get_object()["/Subtype"] == "/Link"]
    entries = re.findall(r"(?:\. ?){4,}\s*(\d+)\s*$", page.extract_text(), re.M)
    assert len(links) >= len(entries) >= 5
    assert len({str(a.get("/Dest")) for a in links}) == len(links)  # one link per entry, not one per dot


# ------------------------------------------------------------------ landing page


class _Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.heading, self.links, self.current = None, {}, None
        self.headings: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "h3":
            self.heading = ""
        if tag == "a" and self.current:
            self.links.setdefault(self.current, []).append(dict(attrs)["href"])

    def handle_data(self, data):
        if self.heading is not None:
            self.heading += data

    def handle_endtag(self, tag):
        if tag == "h3":
            self.current, self.heading = self.heading.strip(), None
            self.headings.append(self.current)


def test_landing_page_groups_each_packs_files_and_keeps_the_key_apart(default_build, curriculum):
    html = (default_build / "index.html").read_text(encoding="utf-8")
    parsed = _Sections()
    parsed.feed(html)
    assert parsed.headings[:4] == ["For learners", "For the instructor", "Answer key (instructor only)", "For the LMS"]
    learners, instructor = parsed.links["For learners"], parsed.links["For the instructor"]
    for pack_id in PACKS:
        assert curriculum.packs[pack_id].title in html
        assert f"{pack_id}/briefing.pdf" in learners and f"{pack_id}/card.pdf" in learners
        assert f"{pack_id}/quiz.html" in learners
        assert f"{pack_id}/instructor.pdf" in instructor and f"{pack_id}/quiz-A.pdf" in instructor
        assert f"{pack_id}/key.pdf" in parsed.links["Answer key (instructor only)"]
        assert f"{pack_id}/quiz.moodle.xml" in parsed.links["For the LMS"]
    assert not [link for link in learners + instructor if link.endswith("key.pdf")]
    assert re.search(r"Instructor guide \(lesson plan\)</a>\s*<span class=\"meta\">\d+ pages · \d+ kB", html)


def test_build_names_the_landing_page_on_its_last_line(make_project, run, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--project", make_project(), "--out", out, "--only", "gift")
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith(f"open {out / 'index.html'}")
