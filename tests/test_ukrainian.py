"""A Ukrainian pack: every word Ukrainian, Ukrainian letters, dates and quotation marks, valid LMS exports.

Two builds are read. A pseudo-translated one (every content text of the default curriculum turned into
Cyrillic letters in-process, then built as `civilian-frontline-uk`) proves the machinery: whatever is
still Latin there comes from emcon's templates or code, never from the catalog. The default build's
`-uk` packs prove the real translation, once content/locale/uk.po holds it.
"""

from __future__ import annotations

import datetime
import json
import random
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import BASE, flat
from emcon.build import build
from emcon.localize import apostrophes, choice_letter, form_letter, long_date, number, quotation_marks
from emcon.model import Curriculum, GlossaryTerm, Module, Pack
from emcon.project import load_project

REPO = Path(__file__).resolve().parent.parent
UK_PACKS = ("civilian-frontline-uk", "soldier-basic-uk")
# What a learner is given: every word of these must be Ukrainian.
LEARNER_KINDS = (
    "briefing-pdf",
    "briefing-html",
    "card-pdf",
    "quiz-pdf",
    "exercise-pdf",
    "slides-pdf",
    "slides-pptx",
    "quiz-html",
    "gift",
    "moodle-xml",
    "qti21",
    "qti12-canvas",
)
CYRILLIC = re.compile(r"[\u0400-\u04ffʼ]")  # ʼ (U+02BC) is the Ukrainian apostrophe, part of a word
LETTER = re.compile(r"[^\W\d_]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# ---------------------------------------------------------------- the pieces


def test_choice_letters_are_ukrainian_test_letters_and_english_keeps_a_b_c():
    assert [choice_letter(c, "uk") for c in "abcde"] == ["А", "Б", "В", "Г", "Д"]
    assert [choice_letter(c, "en") for c in "abc"] == ["a", "b", "c"]
    assert [form_letter(f, "uk") for f in "AB"] == ["А", "Б"]
    assert form_letter("A", "en") == "A"


def test_dates_and_numbers_are_written_the_ukrainian_way():
    assert long_date(datetime.date(2026, 11, 30), "uk") == "30 листопада 2026\u202fр."  # a narrow no-break space
    assert long_date(datetime.date(2026, 11, 30), "en") == "2026-11-30"
    assert number(1500.5, "uk") == "1\u00a0500,5"


def test_a_count_takes_the_plural_its_language_asks_for(default_build):
    from emcon.localize import counted

    uk = {"one": "модуль", "few": "модулі", "many": "модулів", "other": "модуля"}
    assert [counted(n, uk, "uk") for n in (1, 3, 5, 21)] == ["1 модуль", "3 модулі", "5 модулів", "21 модуль"]
    assert [counted(n, {"one": "module", "other": "modules"}, "en") for n in (1, 2)] == ["1 module", "2 modules"]
    index = (default_build / "index.html").read_text(encoding="utf-8")
    assert "3 модулі" in index and "6 modules" in index and "1 modules" not in index
    assert '<h2 id="pack-civilian-frontline-uk">Телефони й безпека для людей поблизу фронту</h2>' in index


def test_the_apostrophe_inside_a_ukrainian_word_is_the_modifier_letter():
    assert apostrophes("звʼязок, зв'язок, зв’язок; don't", "uk") == "звʼязок, звʼязок, звʼязок; don't"
    assert apostrophes("зв'язок", "en") == "зв'язок"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Він сказав "досить" і пішов.', "Він сказав «досить» і пішов."),
        ("Режим “польоту” тут", "Режим «польоту» тут"),
        ('Вони писали: "Він сказав „ні“ двічі".', "Вони писали: «Він сказав „ні“ двічі»."),
        ('**"Жирне"** слово', "**«Жирне»** слово"),
        ("«Уже» так", "«Уже» так"),
        ('12" екран', '12" екран'),  # a mark with no partner stays
    ],
)
def test_double_quotes_become_ukrainian_quotation_marks(text, expected):
    assert quotation_marks(text, "uk") == expected
    assert quotation_marks(text, "en") == text


def cyrillic_share(text: str) -> float:
    """Return the share of letters in text that are Cyrillic (1.0 for a text with no letters)."""
    letters = LETTER.findall(text)
    return sum(1 for c in letters if CYRILLIC.match(c)) / len(letters) if letters else 1.0


def test_cyrillic_share_counts_letters_only():
    assert cyrillic_share("Телефон 42 — GPS!") == pytest.approx(7 / 10)
    assert cyrillic_share("памʼятати") == 1.0


# ---------------------------------------------------------------- reading what a learner gets


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def html_text(markup: str) -> str:
    """Return what a reader sees of an HTML page or fragment, without scripts and styles."""
    doc = lxml.html.fromstring(markup or "<p></p>")
    for node in doc.xpath("//script|//style"):
        node.drop_tree()
    return doc.text_content()


def pptx_text(path: Path) -> str:
    from pptx import Presentation

    return "\n".join(
        shape.text_frame.text for slide in Presentation(path).slides for shape in slide.shapes if shape.has_text_frame
    )


# Where an export keeps what a learner reads: Moodle's <text>, QTI 1.2's <mattext>, QTI 2.1's item body and feedback.
READ_ELEMENTS = ("text", "mattext", "itemBody", "modalFeedback")


def pptx_notes(path: Path) -> str:
    from pptx import Presentation

    return "\n".join(s.notes_slide.notes_text_frame.text for s in Presentation(path).slides if s.has_notes_slide)


def xml_text(data: bytes) -> str:
    """Return what a learner reads of an export's XML, the HTML it carries as escaped text read as a page."""
    root = etree.fromstring(data)
    nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in READ_ELEMENTS]
    nodes = [e for e in nodes if e.getparent() is None or e.getparent().tag not in ("name", "category")]
    texts = [t for e in nodes for t in e.itertext() if t.strip() not in ("", "true", "false")]  # Moodle's own words
    return "\n".join(html_text(t) if "<" in t else t for t in texts)


def gift_text(text: str) -> str:
    """Return what a learner reads of a GIFT file: no comments, categories, question names or {TRUE}/{FALSE}."""
    text = re.sub(r"^(//.*|\$CATEGORY:.*)$", "", text, flags=re.M)
    text = re.sub(r"^::.*?(?<!\\)::|^\s*(TRUE|FALSE)\b|\[html\]", " ", text, flags=re.M)
    return html_text(text)


def zip_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return "\n".join(xml_text(archive.read(n)) for n in archive.namelist() if n.endswith(".xml"))


def learner_texts(pack_dir: Path, kinds: tuple[str, ...] = LEARNER_KINDS) -> dict[str, str]:
    """Return the words of each learner output (or of the kinds given) of a built pack, by file."""
    manifest = json.loads((pack_dir / "manifest.json").read_text(encoding="utf-8"))
    readers = {
        ".pdf": pdf_text,
        ".pptx": pptx_text,
        ".html": lambda p: html_text(p.read_text(encoding="utf-8")),
        ".txt": lambda p: gift_text(p.read_text(encoding="utf-8")),
        ".xml": lambda p: xml_text(p.read_bytes()),
        ".zip": zip_text,
    }
    return {
        e["path"]: readers[Path(e["path"]).suffix](pack_dir / e["path"])
        for e in manifest["outputs"]
        if e["kind"] in kinds and Path(e["path"]).suffix in readers
    }


def latin_words(text: str) -> list[str]:
    return sorted({w for w in re.findall(r"[^\W\d_]+", text) if not CYRILLIC.search(w)})


# ---------------------------------------------------------------- a pseudo-translated build

NOT_TEXT = frozenset(
    "id source sources objective objectives shows method bloom audiences audience file modules language "
    "page_size type risk_level url glossary fields date version answer".split()
)
LATIN = "abcdefghijklmnopqrstuvwxyz"
CYR = [
    "а",
    "б",
    "ц",
    "д",
    "е",
    "ф",
    "г",
    "х",
    "і",
    "й",
    "к",
    "л",
    "м",
    "н",
    "о",
    "п",
    "к",
    "р",
    "с",
    "т",
    "у",
    "в",
    "в",
    "кс",
    "и",
    "з",
]
TO_CYRILLIC = {**dict(zip(LATIN, CYR, strict=True)), **{a.upper(): c.upper() for a, c in zip(LATIN, CYR, strict=True)}}


def pseudo(text: str, keep: set[str]) -> str:
    """Return text in Cyrillic letters, Markdown, links, numbers and citation keys kept."""

    def word(match: re.Match) -> str:
        w = match.group()
        return w if w in keep or w.startswith("http") else "".join(TO_CYRILLIC.get(c, c) for c in w)

    return re.sub(r"https?://[^\s)>]+|[A-Za-z][A-Za-z0-9-]*", word, text)


def pseudo_record(record, keep: set[str]):
    def walk(value, key=""):
        if key in NOT_TEXT and (isinstance(value, str) or _all_str(value)):
            return value
        if isinstance(value, str):
            return pseudo(value, keep)
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        return value

    return type(record).model_validate(walk(record.model_dump()))


def _all_str(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def uk_pack(english: Pack) -> Pack:
    """Return the Ukrainian edition of an English pack, as a translated pack would be."""
    return english.model_copy(update={"id": english.id + "-uk", "language": "uk"})


@pytest.fixture(scope="module")
def pseudo_build(tmp_path_factory) -> Path:
    """Build civilian-frontline-uk from a pseudo-translated copy of the default curriculum; return its folder."""
    return build_pseudo(tmp_path_factory.mktemp("pseudo") / "build")


def build_pseudo(out: Path) -> Path:
    """Build the pseudo-translated civilian-frontline-uk into out; return the pack's folder."""
    project, problems = load_project(REPO)
    assert project is not None, problems
    c = project.curriculum
    keep = set(c.sources)  # citation keys, which readers never see
    pack = pseudo_record(uk_pack(c.packs["civilian-frontline"]), keep)
    translated = Curriculum(
        modules={k: pseudo_record(m, keep) for k, m in c.modules.items()},
        packs={**{k: p for k, p in c.packs.items() if not k.endswith("-uk")}, pack.id: pack},
        sources={k: s.model_copy(update={"reliability": pseudo(s.reliability, keep)}) for k, s in c.sources.items()},
        glossary={k: pseudo_record(g, keep) for k, g in c.glossary.items()},
    )
    only = {*LEARNER_KINDS, "key-pdf", "answer-sheet-pdf", "instructor-pdf", "notes-pdf"}
    # the pseudo words only: without the real catalog, which would put its own (real) Ukrainian over them
    build(replace(project, curriculum=translated, catalogs={}, translations={}), out, (pack.id,), only=only, jobs=2)
    return out / pack.id


def test_pseudo_translation_keeps_structure():
    keep = {"kyiv-ap"}
    assert pseudo("A **phone** (kyiv-ap) at [the spot](https://x.org/a) 3 km", keep) == (
        "А **пхоне** (kyiv-ap) ат [тхе спот](https://x.org/a) 3 км"
    )
    assert isinstance(pseudo_record(GlossaryTerm(id="x", term="Phone", definition="A radio."), set()), GlossaryTerm)
    assert Module  # the model records are validated again after the change


def figure_words() -> set[str]:
    """Return the words inside the default SVG figures (the pseudo-translation leaves the figures as they are)."""
    words = set()
    for svg in (REPO / "content" / "figures").glob("*.svg"):
        words |= set(re.findall(r"[^\W\d_]+", " ".join(etree.parse(str(svg)).getroot().itertext())))
    return words


def test_every_word_emcon_adds_to_a_translated_pack_is_ukrainian(pseudo_build):
    """Labels, headings, letters, margins, notes and exports: not one Latin word but the sources' and the figures'."""
    texts = learner_texts(pseudo_build, LEARNER_KINDS + ("key-pdf", "answer-sheet-pdf", "instructor-pdf", "notes-pdf"))
    assert {Path(p).suffix for p in texts} >= {".pdf", ".pptx", ".html", ".txt", ".xml", ".zip"}
    texts["slides.pptx, speaker notes"] = pptx_notes(pseudo_build / "slides.pptx")
    texts["index.html"] = html_text((pseudo_build.parent / "index.html").read_text(encoding="utf-8"))
    project, _ = load_project(REPO)
    urls = " ".join(s.url or "" for s in project.curriculum.sources.values()).casefold()
    urls += urls.replace("-", "")  # a web address broken at a hyphen reads joined
    ids = {part for m in project.curriculum.modules.values() for q in m.quiz for part in q.id.split("-")}
    names = {
        "PDF",
        "HTML",
        "PowerPoint",
        "GIFT",
        "Moodle",
        "XML",
        "QTI",
        "Canvas",
        "zip",
        "emcon",
        "grade",
    }  # formats, tools
    allowed = figure_words() | ids | names | {"civilian", "frontline", "uk", "key", "pdf", "exercises"}
    english = {
        p: {w for w in latin_words(without(t, originals_and_titles())) if w not in allowed and w.casefold() not in urls}
        for p, t in texts.items()
    }
    assert not {p: sorted(w) for p, w in english.items() if w}


def test_every_html_page_says_it_is_ukrainian(pseudo_build):
    pages = sorted(pseudo_build.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        assert re.search(r'<html lang="uk">', page.read_text(encoding="utf-8")), page
    landing = (pseudo_build.parent / "index.html").read_text(encoding="utf-8")
    assert 'lang="uk"' in landing and "Варіант А" in landing.replace("варіант", "Варіант")


def test_quiz_letters_are_ukrainian_everywhere(pseudo_build):
    quiz = (pseudo_build / "quiz.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'class="letter">([^<]*)\)<', quiz))
    assert shown and shown <= set("АБВГДЕ"), shown
    assert 'value="a"' in quiz, "the self-check still compares the model's letters"
    handout = flat(pdf_text(pseudo_build / "quiz-A.pdf"))
    assert re.search(r"\bА\) .* Б\) ", handout) and not re.search(r"(^| )[abcd]\) ", handout)
    assert "варіант а" in handout.casefold()
    key = flat(pdf_text(pseudo_build / "key.pdf"))
    assert "Варіант Б" in key and not re.search(r"(^| )[abcd]\) ", key)
    sheet = pdf_text(pseudo_build / "answer-sheet-A.pdf")
    assert {"А", "Б", "В"} <= set(sheet.split()) and not {"a", "b", "c"} & set(sheet.split())
    guide = flat(pdf_text(pseudo_build / "instructor.pdf"))
    assert "варіанти А, Б" in guide
    moodle = (pseudo_build / "quiz.moodle.xml").read_text(encoding="utf-8")
    assert "<answernumbering>none</answernumbering>" in moodle and "<answernumbering>abc" not in moodle


def test_dates_and_quotation_marks_are_ukrainian(pseudo_build):
    date = long_date(datetime.date(2026, 11, 22), "uk")
    assert flat(date) == "22 листопада 2026 р."
    assert flat(date) in flat(pdf_text(pseudo_build / "card.pdf"))
    briefing = flat(pdf_text(pseudo_build / "briefing.pdf"))
    assert flat(date) in briefing
    assert "«" in briefing and "“" not in briefing and '"' not in briefing
    lines = pdf_text(pseudo_build / "briefing.pdf").splitlines()
    hyphenated = [line for line in lines if re.search(r"[а-яіїєґ]\u2010$", line)]
    assert len(hyphenated) > 5, "WeasyPrint hyphenates Ukrainian words (lang=uk, pyphen's uk_UA patterns)"


def test_exports_of_a_ukrainian_pack_carry_their_language_and_stay_valid(pseudo_build):
    from test_exports import SCHEMAS, canvas_assessment, read_gift, zip_documents

    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    load = lambda path: etree.XMLSchema(etree.parse(str(SCHEMAS / path), parser))  # noqa: E731
    documents = zip_documents(pseudo_build / "quiz.qti21.zip")
    load("imscp_v1p1.xsd").assertValid(documents.pop("imsmanifest.xml"))
    qti21 = load("qtiv2p1/imsqti_v2p1.xsd")
    items = [d for d in documents.values() if d.tag.endswith("assessmentItem")]
    assert items and all(d.get(XML_LANG) == "uk" for d in items)
    for name, doc in documents.items():
        assert qti21.validate(doc), f"{name}: {qti21.error_log.last_error}"
    assessment = canvas_assessment(pseudo_build / "quiz.canvas.zip")
    load("qtiv1p2/ims_qtiasiv1p2.xsd").assertValid(assessment)
    langs = {e.get(XML_LANG) for e in assessment.iter("{*}assessment", "{*}item")}
    assert langs == {"uk"}
    gift = (pseudo_build / "quiz.gift.txt").read_text(encoding="utf-8")
    assert len(read_gift(gift)) > 10 and cyrillic_share(without(gift_text(gift), originals_and_titles())) > 0.97


def test_qti21_of_a_ukrainian_pack_scores_full_marks_in_pyslet(pseudo_build):
    pytest.importorskip("pyslet")
    from test_export_safety import qti21_full_scores

    scores = qti21_full_scores(pseudo_build / "quiz.qti21.zip")
    assert scores and all(s >= 1 for s in scores.values())


# ---------------------------------------------------------------- grading a Ukrainian sheet


def test_a_ukrainian_answer_sheet_is_graded_by_position(run, tmp_path):
    """The bubbles say А Б В; the grader reads where they are, so a right sheet scores full marks."""
    import cv2

    from emcon.grade.run import Sheets
    from emcon.grade.score import key_values
    from sheet_corpus import PEN, fill, photograph, render_page

    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    pack = root / "content" / "packs" / "basic.yaml"
    pack.write_text(pack.read_text().replace("quiz: {", "language: uk\nquiz: {answer_sheets: true, "))
    result = run("build", "--project", root, "--out", root / "build", "--only", "answer-sheet-pdf", "basic")
    assert result.exit_code == 0, result.output
    assert "А" in pdf_text(root / "build" / "basic" / "answer-sheet-A.pdf").split()
    project, _ = load_project(root)
    p = project.curriculum.packs["basic"]
    sheets = Sheets(p, project.curriculum.pack_modules(p))
    form, page = sheets.forms["A"], next(pg for pg in sheets.pages.values() if pg.form == "A")
    plan = {}
    for q in form.questions:
        rows = [(i, row) for i, row in enumerate(page.rows) if row.question == q.number]
        for (index, row), values in zip(rows, key_values(q), strict=True):
            plan |= {(index, k): PEN for k, bubble in enumerate(row.bubbles) if bubble.value in values}
    rng = random.Random(3)
    blank = render_page(root / "build" / "basic" / "answer-sheet-A.pdf", 1, 200)
    scans = tmp_path / "scans"
    scans.mkdir()
    cv2.imwrite(str(scans / "photo.jpg"), photograph(fill(blank, page, 200, rng, "77", plan).image, rng, False))
    result = run("grade", "--project", root, "basic", scans, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and ",A," in rows[1]
    header, row = (r.split(",") for r in rows)
    got = dict(zip(header, row, strict=True))
    assert got["score"] == got["points"] and got["result"] == "pass", got


# ---------------------------------------------------------------- the real translation


def originals_and_titles() -> list[str]:
    """Return what may stay English in a Ukrainian pack: the quotes' original words and the sources' titles."""
    project, _ = load_project(REPO)
    c = project.curriculum
    kept = [q.text for m in c.modules.values() for q in m.quotes]
    kept += [getattr(q, "original", None) or "" for m in c.modules.values() for q in m.quotes]
    kept += [x for s in c.sources.values() for x in (s.title, s.publisher, *s.authors, s.url or "")]
    return sorted({flat(k) for k in kept if k}, key=len, reverse=True)


def without(text: str, kept: list[str]) -> str:
    """Return text with its white space made single and the texts that may stay English taken out."""
    text = flat(text)
    for k in kept:
        text = text.replace(k, " ")
    return text


@pytest.mark.parametrize("pack", UK_PACKS)
def test_the_ukrainian_packs_are_ukrainian(default_build, pack):
    """Cyrillic is at least 95% of the letters of every learner output (originals and source titles aside)."""
    kept = originals_and_titles()
    low = {}
    for path, text in learner_texts(default_build / pack).items():
        text = without(text, kept)
        if cyrillic_share(text) < 0.95:
            low[path] = (round(cyrillic_share(text), 3), latin_words(text)[:20])
    assert not low, low


def test_html_of_the_default_ukrainian_packs_is_marked_ukrainian(default_build):
    for pack in UK_PACKS:
        assert (default_build / pack).is_dir(), pack
        for page in (default_build / pack).rglob("*.html"):
            assert '<html lang="uk">' in page.read_text(encoding="utf-8"), page
