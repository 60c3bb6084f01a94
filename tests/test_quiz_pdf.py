"""Quiz handouts and keys read back as a reader sees them: text from the PDFs, checked against the forms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import MINIMAL
from emcon.cli import main
from emcon.project import load_project
from emcon.quiz import draw_forms
from test_quiz_forms import QUIZ_ITEMS

KINDS = ("--only", "quiz-pdf", "--only", "key-pdf", "--only", "quiz-html")
ITEM_IDS = ["s1", "m1", "t1", "sh1", "mt1", "o1"]


def write_project(root: Path, seed: int) -> Path:
    """Write the minimal project with every quiz item type and three forms."""
    module = MINIMAL["content/modules/alpha.yaml"]
    pack = (
        MINIMAL["content/packs/basic.yaml"]
        .replace("minutes: 6\n", "minutes: 17\n")
        .replace(
            "quiz: {questions: 2, forms: 2, seed: 7, minutes: 1}",
            f"quiz: {{questions: 6, forms: 3, seed: {seed}, minutes: 12}}",
        )
    )
    files = {
        **MINIMAL,
        "content/modules/alpha.yaml": module[: module.index("quiz:\n")] + "quiz:\n" + QUIZ_ITEMS,
        "content/packs/basic.yaml": pack,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def build(root: Path, out: Path, *kinds: str) -> Path:
    result = CliRunner().invoke(
        main, ["build", "--project", str(root), "--out", str(out), *(kinds or KINDS)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out / "basic"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the handouts, key and self-check page of the all-types project once."""
    root = write_project(tmp_path_factory.mktemp("quizproject"), seed=11)
    return root, build(root, tmp_path_factory.mktemp("quizbuild"))


@pytest.fixture(scope="module")
def forms(built):
    project, _ = load_project(built[0])
    pack = project.curriculum.packs["basic"]
    return draw_forms(pack, project.curriculum.pack_modules(pack))


def text_of(path: Path) -> str:
    """Return a PDF's text with whitespace collapsed (line breaks do not matter)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_manifest_lists_one_handout_per_form(built):
    manifest = json.loads((built[1] / "manifest.json").read_text())
    handouts = sorted((e["path"], e.get("form")) for e in manifest["outputs"] if e["kind"] == "quiz-pdf")
    assert handouts == [("quiz-A.pdf", "A"), ("quiz-B.pdf", "B"), ("quiz-C.pdf", "C")]
    assert [e.get("form") for e in manifest["outputs"] if e["kind"] == "key-pdf"] == [None]


@pytest.mark.parametrize("letter", "ABC")
def test_handout_has_header_points_and_time(built, forms, letter):
    text = text_of(built[1] / f"quiz-{letter}.pdf")
    assert "NAME DATE Time allowed" in text  # a project without emcon.yaml: the neutral fields
    for words in (
        "Time allowed: 12 min",
        "Questions: 6",
        "Total: 10 pt",
        "Score: / 10",
        f"FORM {letter}",
    ):
        assert words in text, words
    form = forms["ABC".index(letter)]
    for q in form.questions:
        assert f"{q.number}. " in text and f"{q.points} pt" in text


@pytest.mark.parametrize("letter", "ABC")
def test_handout_shows_no_answer_anywhere(built, letter):
    path = built[1] / f"quiz-{letter}.pdf"
    reader = PdfReader(path)
    text = text_of(path)  # every text operator, visible or not
    for secret in ("EXPLAIN-", "flight mode", "airplane mode", "Answer key", "Why", "Source", "→", "✓"):
        assert secret not in text, secret
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    xmp = reader.xmp_metadata
    metadata += str(xmp and xmp.dc_description) + str(xmp and xmp.dc_subject)
    for secret in ("EXPLAIN-", "flight mode", "airplane mode", "Answer"):
        assert secret not in metadata, secret
    assert f"Quiz, form {letter}" in metadata, "the title names the form"


def test_handout_letters_match_the_forms_order(built, forms):
    for form in forms:
        text = text_of(built[1] / f"quiz-{form.letter}.pdf")
        prompts = [text.index(" ".join(q.item.prompt.split())) for q in form.questions]
        assert prompts == sorted(prompts), "questions appear in the form's order"
        for q in form.questions:
            for letter, choice in q.lettered:
                assert f"{letter}) {choice}" in text
            for n, left in enumerate(q.prompts, 1):
                assert f"{n}. {left}" in text


def expected_answer(q) -> str:
    """Return the answer as the key prints it."""
    if q.type in ("single", "multiple"):
        return "; ".join(f"{a}) {dict(q.lettered)[a]}" for a in q.answer)
    if q.type == "true-false":
        return q.answer[0].capitalize()
    if q.type == "short":
        return f"{q.answer[0]} (Also accepted: {'; '.join(q.answer[1:])})"
    if q.type == "matching":
        return ", ".join(f"{n}: {a}" for n, a in enumerate(q.answer, 1))
    boxes = ", ".join(f"{letter} = {q.answer.index(letter) + 1}" for letter, _ in q.lettered)
    return ", ".join(q.answer) + f" ({boxes})"


def test_key_gives_each_forms_answers_in_its_order(built, forms):
    text = text_of(built[1] / "key.pdf")
    markers = list(re.finditer(r"\[({})\]".format("|".join(ITEM_IDS)), text))
    per_form = len(forms[0].questions)
    assert len(markers) == per_form * len(forms)
    for f, form in enumerate(forms):
        chunk = markers[f * per_form : (f + 1) * per_form]
        assert [m.group(1) for m in chunk] == [q.item.id for q in form.questions], f"form {form.letter} in its order"
        start = text.index(f"Form {form.letter} #")
        for q, marker in zip(form.questions, chunk, strict=True):
            segment = text[start : marker.end()]
            assert f"{q.number} {expected_answer(q)}" in segment, (form.letter, q.number)
            start = marker.end()


def test_key_explains_with_sources_and_maps_items(built, forms):
    text = text_of(built[1] / "key.pdf")
    for item in ITEM_IDS:
        assert text.count(f"EXPLAIN-{item.upper()}") == len(forms)
    assert text.count("SOURCE A source") == len(forms) * len(ITEM_IDS)
    assert "Question map" in text and "Grading table" in text
    for q in forms[0].questions:
        numbers = " ".join(str(next(p.number for p in f.questions if p.item.id == q.item.id)) for f in forms)
        assert f"{q.item.id} Alpha lesson {numbers} {q.points}" in text
    for form in forms:
        points = " ".join(str(q.points) for q in form.questions)
        assert f"Form {form.letter}: points {points} {form.points}" in text


def test_same_seed_same_bytes_other_seed_other_order(built, tmp_path):
    again = build(built[0], tmp_path / "again", "--only", "quiz-pdf")
    for letter in "ABC":
        assert (again / f"quiz-{letter}.pdf").read_bytes() == (built[1] / f"quiz-{letter}.pdf").read_bytes()
    reseeded = build(write_project(tmp_path / "other", seed=12), tmp_path / "out", "--only", "quiz-pdf")
    before, after = text_of(built[1] / "quiz-A.pdf"), text_of(reseeded / "quiz-A.pdf")
    assert before != after


def test_self_check_page_works_offline_from_one_file(built, forms):
    html = (built[1] / "quiz.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//link | //script[@src] | //img[not(starts-with(@src, 'data:'))] | //iframe")
    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", html), "nothing from the network"
    assert "addEventListener" in "".join(doc.xpath("//script/text()"))
    questions = doc.xpath("//form[@class='sc']")
    assert [f.get("id") for f in questions] == [f"q-{i}" for i in ITEM_IDS]
    for form in questions:
        assert form.xpath(".//button[@type='submit']") and form.xpath(".//details/summary")
        for field in form.xpath(".//input[@type!='hidden'] | .//select"):
            labelled = (
                field.xpath("ancestor::label")
                or doc.xpath(f"//label[@for='{field.get('id')}']")
                or field.get("aria-label")
            )
            assert labelled, lxml.html.tostring(field)
        assert json.loads(form.get("data-answer"))
    assert "EXPLAIN-S1" in doc.xpath("string(//form[@id='q-s1']//details)")


def test_self_check_answers_are_what_the_script_checks(built):
    doc = lxml.html.fromstring((built[1] / "quiz.html").read_text(encoding="utf-8"))
    ordering = doc.xpath("//form[@id='q-o1']")[0]
    answer = json.loads(ordering.get("data-answer"))
    steps = {s.get("name"): s.getparent().xpath("string(label)") for s in ordering.xpath(".//select")}
    in_order = [" ".join(steps[letter].split()[1:]) for letter in answer]
    assert in_order == ["Villagers find signal", "Villagers gather", "Shells fall", "Villagers stop gathering"]
    tf = doc.xpath("//form[@id='q-t1']")[0]
    assert json.loads(tf.get("data-answer")) == ["true"]


def test_handout_and_key_embed_their_fonts(built):
    for name in ("quiz-A.pdf", "key.pdf"):
        fonts = set()
        for page in PdfReader(built[1] / name).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = described["/FontDescriptor"].get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
        assert fonts and all(f.startswith("Noto") for f in fonts), fonts
