"""LMS exports: QTI validated against the IMS schemas, GIFT and Moodle XML read back as Moodle reads them."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from emcon.cli import main
from emcon.markdown import plain_text

# Copies of the IMS schemas (tests/schemas/README.md says where they come from and what changed).
SCHEMAS = Path(__file__).parent / "schemas" / "qti"
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
EXPORTS = ("gift", "moodle-xml", "qti21", "qti12-canvas")

# Every character GIFT gives a meaning to, XML's own, quotes of three kinds, and Cyrillic.
NASTY = (
    r"""Чи = 2 {дужки} ratio 1::2 ~тильда~ #хеш: C:\temp \\ back\slash "double" 'single' «ялинки» & <tag> -> arrow"""
)
SPECIAL_MODULE = f"""\
id: alpha
title: Alpha / beta lesson
summary: What alpha teaches.
audience: [soldier]
minutes: 5
objectives:
  - {{id: explain-alpha, action: Explain, condition: Given a phone, standard: Names one way, bloom: understand}}
sections:
  - {{heading: Why, body: A phone talks to towers.}}
key_points: [Phones emit.]
quotes:
  - {{text: every time you press a button, speaker: Someone, source: src}}
steps:
  - {{title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}}
glossary: [emcon]
quiz:
  - id: x-single
    type: single
    objective: explain-alpha
    prompt: '{NASTY.replace("'", "''")}'
    choices: ['a = b # c', '{{x}} ~ y', 'Так: «ні»', {{text: 'None of the above \\ all', pin: true}}]
    answer: c
    explanation: 'Because {{x}} = "y" #1 — Україна'
    source: src
  - id: x-multi
    type: multiple
    objective: explain-alpha
    points: 2
    prompt: 'Which: ~one~ or =two=?'
    choices: ['~one~', '=two=', '#three', '{{four}}']
    answer: [a, d]
    source: src
  - {{id: x-tf, type: true-false, objective: explain-alpha, prompt: 'True: {{yes}} = ~no~?', answer: false, explanation: 'Ні: #false', source: src}}
  - id: x-short
    type: short
    objective: explain-alpha
    prompt: 'Path with a colon: and a brace {{?'
    answer: ['C:\\temp\\{{x}}', 'x = y # z', 'шлях ~ 1']
    source: src
  - id: x-match
    type: matching
    objective: explain-alpha
    points: 3
    prompt: 'Match = pair: {{left}} -> {{right}}'
    pairs:
      - {{left: 'a -> b {{c}}', right: 'd = e: f -> g'}}
      - {{left: 'Київ #1', right: '"Лапки" ~ 2'}}
    source: src
  - id: x-order
    type: ordering
    objective: explain-alpha
    prompt: 'Order: =first= {{then}} ~last~'
    sequence: ['one = 1', 'two: {{2}}', 'три # 3']
    source: src
"""


def build_exports(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(
        main,
        ["build", "--project", str(root), "--out", str(out), *[a for k in EXPORTS for a in ("--only", k)]],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out / "basic"


@pytest.fixture
def special(make_project, tmp_path):
    """Build the exports of a module whose every text is full of special characters."""
    root = make_project(
        {
            "content/modules/alpha.yaml": SPECIAL_MODULE,
            "content/packs/basic.yaml": "id: basic\ntitle: Basic pack\naudience: soldier\nminutes: 6\ndate: 2026-01-02\nmodules: [alpha]\nquiz: {questions: 6, forms: 1, minutes: 1}\n",
        }
    )
    return build_exports(root, tmp_path / "build")


def text_of_html(html: str) -> str:
    """Return what a reader sees of an HTML fragment."""
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def meaning(markdown: str) -> str:
    return " ".join(plain_text(markdown).split())


# ---------------------------------------------------------------- GIFT, read as Moodle reads it


ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")


def escaped_pre(text: str) -> str:
    """Hide escaped characters, as qformat_gift::escapedchar_pre does."""
    text = text.replace("\\\\", "\ue00f")
    for char, placeholder in ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace("\ue00f", "\\")


def escaped_post(text: str) -> str:
    for char, placeholder in ESCAPES.items():
        text = text.replace(placeholder, "\n" if char == "n" else char)
    return text


def with_format(text: str) -> tuple[str, str]:
    """Split a leading [format] off, as parse_text_with_format does."""
    text = text.strip()
    match = re.match(r"^\[(html|moodle|plain|markdown)\]", text)
    fmt = match.group(1) if match else "moodle"
    return fmt, escaped_post(text[match.end() :] if match else text).strip()


def read_gift_question(block: str) -> dict:
    """Parse one GIFT question the way Moodle's readquestion() does (the parts emcon writes)."""
    lines = [" " if line.strip().startswith("//") else line for line in block.split("\n")]
    text = escaped_pre("\n".join(lines).strip())
    if text.startswith("$CATEGORY:"):
        return {"type": "category", "category": text[10:].strip()}
    assert text.startswith("::")
    text = text[2:]
    name, text = escaped_post(text[: text.index("::")]), text[text.index("::") + 2 :].strip()
    start, finish = text.index("{"), text.index("}")
    assert text.endswith("}") and finish == len(text) - 1, "one answer block, at the end"
    answers = text[start + 1 : finish].strip()
    general = ""
    if "####" in answers:
        general = answers[answers.rindex("####") + 4 :]
        answers = answers[: answers.rindex("####")].strip()
    fmt, prompt = with_format(text[:start])
    question = {"name": name, "format": fmt, "prompt": prompt, "general": with_format(general)[1]}
    if "~" in answers:
        question["type"] = "multichoice"
        question["answers"] = []
        for part in [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]:
            weight = 0.0
            if part.startswith("="):
                weight, part = 1.0, part[1:]
            elif WEIGHT.match(part):
                weight = float(part[1 : part.index("%", 1)]) / 100
                part = part[part.index("%", 1) + 1 :]
            question["answers"].append((with_format(part.split("#", 1)[0])[1], weight))
    elif "=" in answers and "->" in answers:
        question["type"] = "match"
        pairs = [p.strip() for p in answers.split("=") if p.strip()]
        question["pairs"] = [
            (with_format(p[: p.index("->")])[1], escaped_post(p[p.index("->") + 2 :]).strip()) for p in pairs
        ]
    elif answers.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        question["type"] = "truefalse"
        question["answer"] = answers.split("#")[0].strip().startswith("T")
    else:
        question["type"] = "shortanswer"
        question["answers"] = [
            escaped_post(WEIGHT.sub("", p.strip()).split("#", 1)[0]).strip() for p in answers.split("=") if p.strip()
        ]
    return question


def read_gift(text: str) -> list[dict]:
    """Return the categories and questions of a GIFT file (blocks of only comments are skipped)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [read_gift_question(b) for b in blocks if any(not line.startswith("//") for line in b.splitlines())]


def test_gift_survives_special_characters(special):
    questions = read_gift((special / "quiz.gift.txt").read_text(encoding="utf-8"))
    assert questions[0] == {"type": "category", "category": "$course$/top/Basic pack/Alpha // beta lesson"}
    by_name = {q["name"].split(":")[0]: q for q in questions[1:]}
    assert list(by_name) == ["x-single", "x-multi", "x-tf", "x-short", "x-match", "x-order"]
    single = by_name["x-single"]
    assert single["type"] == "multichoice" and single["format"] == "html"
    assert text_of_html(single["prompt"]) == meaning(NASTY)
    assert [(text_of_html(a), w) for a, w in single["answers"]] == [
        ("a = b # c", 0),
        ("{x} ~ y", 0),
        ("Так: «ні»", 1.0),
        ("None of the above \\ all", 0),
    ]
    assert 'Because {x} = "y" #1 — Україна' in text_of_html(single["general"])
    assert "Source: A source" in text_of_html(single["general"])
    multi = by_name["x-multi"]
    assert [(text_of_html(a), w) for a, w in multi["answers"]] == [
        ("~one~", 0.5),
        ("=two=", -0.5),
        ("#three", -0.5),
        ("{four}", 0.5),
    ]
    assert by_name["x-tf"]["type"] == "truefalse" and by_name["x-tf"]["answer"] is False
    assert text_of_html(by_name["x-tf"]["prompt"]) == "True: {yes} = ~no~?"
    short = by_name["x-short"]
    assert short["type"] == "shortanswer" and short["answers"] == ["C:\\temp\\{x}", "x = y # z", "шлях ~ 1"]
    match = by_name["x-match"]
    assert match["type"] == "match"
    assert [(text_of_html(left), right) for left, right in match["pairs"]] == [
        ("a -> b {c}", "d = e: f -> g"),
        ("Київ #1", '"Лапки" ~ 2'),
    ]
    order = by_name["x-order"]
    assert [(text_of_html(left), right) for left, right in order["pairs"]] == [
        ("one = 1", "1"),
        ("two: {2}", "2"),
        ("три # 3", "3"),
    ]


def test_gift_escapes_every_special_character(special):
    text = (special / "quiz.gift.txt").read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        body = "\n".join(line for line in block.splitlines() if not line.startswith(("//", "$CATEGORY")))
        if not body:
            continue
        bare = re.sub(r"\\.", "", body)  # drop escaped characters
        head, answers = bare[: bare.index("{")], bare[bare.index("{") :]
        assert head.count("::") == 2 and not re.search(r"[~=#{}]", head.replace("::", "")), head
        assert answers.count("{") == 1 and answers.count("}") == 1, answers


# ---------------------------------------------------------------- Moodle XML


def moodle_questions(path: Path) -> dict:
    root = etree.parse(str(path), PARSER).getroot()
    return {q.findtext("idnumber") or q.findtext("category/text"): q for q in root.iter("question")}


def test_moodle_xml_survives_special_characters(special):
    questions = moodle_questions(special / "quiz.moodle.xml")
    assert "$course$/top/Basic pack/Alpha // beta lesson" in questions
    single = questions["x-single"]
    assert single.get("type") == "multichoice" and single.findtext("single") == "true"
    assert single.findtext("shuffleanswers") == "false", "a pinned choice keeps Moodle from shuffling"
    assert text_of_html(single.findtext("questiontext/text")) == meaning(NASTY)
    answers = [(text_of_html(a.findtext("text")), a.get("fraction")) for a in single.findall("answer")]
    assert answers == [("a = b # c", "0"), ("{x} ~ y", "0"), ("Так: «ні»", "100"), ("None of the above \\ all", "0")]
    assert 'Because {x} = "y" #1 — Україна' in text_of_html(single.findtext("generalfeedback/text"))
    multi = questions["x-multi"]
    assert multi.findtext("single") == "false" and multi.findtext("defaultgrade") == "2"
    assert [a.get("fraction") for a in multi.findall("answer")] == ["50", "-50", "-50", "50"]
    short = questions["x-short"]
    assert [a.findtext("text") for a in short.findall("answer")] == ["C:\\temp\\{x}", "x = y # z", "шлях ~ 1"]
    match = questions["x-match"]
    pairs = [(text_of_html(s.findtext("text")), s.findtext("answer/text")) for s in match.findall("subquestion")]
    assert pairs == [("a -> b {c}", "d = e: f -> g"), ("Київ #1", '"Лапки" ~ 2')]
    order = questions["x-order"]
    assert order.get("type") == "ordering"
    assert [(text_of_html(a.findtext("text")), a.get("fraction")) for a in order.findall("answer")] == [
        ("one = 1", "1.0000000"),
        ("two: {2}", "2.0000000"),
        ("три # 3", "3.0000000"),
    ]
    assert questions["x-tf"].get("type") == "truefalse"
    assert [(a.findtext("text"), a.get("fraction")) for a in questions["x-tf"].findall("answer")] == [
        ("true", "0"),
        ("false", "100"),
    ]


def test_moodle_xml_of_the_default_curriculum(default_build):
    questions = moodle_questions(default_build / "soldier-basic" / "quiz.moodle.xml")
    kinds = {q.get("type") for q in questions.values()}
    # The default items are scenario decisions (single, multiple, true/false); the other
    # kinds are exported from the special project above.
    assert {"category", "multichoice", "truefalse"} <= kinds
    assert kinds <= {"category", "multichoice", "truefalse", "shortanswer", "matching", "ordering"}
    for ident, q in questions.items():
        if q.get("type") == "category":
            assert ident.startswith("$course$/top/")
            continue
        assert int(q.findtext("defaultgrade")) >= 1
        assert text_of_html(q.findtext("generalfeedback/text")), f"{ident} has feedback"
        if q.get("type") == "multichoice":
            fractions = [float(a.get("fraction")) for a in q.findall("answer")]
            assert abs(sum(f for f in fractions if f > 0) - 100) < 0.01, ident


# ---------------------------------------------------------------- QTI


@pytest.fixture(scope="module")
def schemas():
    """Load the three IMS schemas from tests/schemas; nothing comes from the network."""
    load = lambda path: etree.XMLSchema(etree.parse(str(SCHEMAS / path), PARSER))  # noqa: E731
    return {
        "qti21": load("qtiv2p1/imsqti_v2p1.xsd"),
        "cp": load("imscp_v1p1.xsd"),
        "qti12": load("qtiv1p2/ims_qtiasiv1p2.xsd"),
    }


def zip_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name), PARSER) for name in archive.namelist()}


@pytest.mark.parametrize("pack", ["soldier-basic", "leader-brief", "civilian-frontline"])
def test_qti21_package_is_valid(default_build, schemas, pack):
    documents = zip_documents(default_build / pack / "quiz.qti21.zip")
    manifest = documents.pop("imsmanifest.xml")
    schemas["cp"].assertValid(manifest)
    for name, doc in documents.items():
        assert schemas["qti21"].validate(doc), f"{name}: {schemas['qti21'].error_log.last_error}"
    ns = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
    listed = set(manifest.xpath("//cp:file/@href", namespaces=ns))
    assert listed == set(documents), "the manifest lists every file and no other"
    kinds = [d.tag.split("}")[1] for d in documents.values()]
    assert kinds.count("assessmentTest") == 1 and kinds.count("assessmentItem") == len(documents) - 1


def test_qti21_items_of_special_characters_are_valid(special, schemas):
    documents = zip_documents(special / "quiz.qti21.zip")
    schemas["cp"].assertValid(documents.pop("imsmanifest.xml"))
    for name, doc in documents.items():
        assert schemas["qti21"].validate(doc), f"{name}: {schemas['qti21'].error_log.last_error}"
    single = documents["items/x-single.xml"]
    ns = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    assert single.xpath("//q:correctResponse/q:value/text()", namespaces=ns) == ["C"]
    assert single.xpath("//q:simpleChoice[@fixed='true']/@identifier", namespaces=ns) == ["D"]
    assert " ".join(single.xpath("string(//q:itemBody/q:div)", namespaces=ns).split()) == meaning(NASTY)


def canvas_assessment(path: Path) -> etree._Element:
    """Return the questestinterop document of a Canvas zip, checking the manifest lists every file."""
    documents = zip_documents(path)
    manifest = documents.pop("imsmanifest.xml")
    assert set(manifest.xpath("//*[local-name()='file']/@href")) == set(documents)
    (name,) = manifest.xpath("//*[local-name()='resource'][@type='imsqti_xmlv1p2']/*[local-name()='file']/@href")
    settings = next(doc for key, doc in documents.items() if key.endswith("/assessment_meta.xml"))
    assert settings.tag == "{http://canvas.instructure.com/xsd/cccv1p0}quiz"
    return documents[name]


@pytest.mark.parametrize("pack", ["soldier-basic", "civilian-frontline"])
def test_canvas_zip_is_valid_qti12(default_build, schemas, pack):
    assessment = canvas_assessment(default_build / pack / "quiz.canvas.zip")
    schemas["qti12"].assertValid(assessment)
    ns = {"a": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    types = assessment.xpath("//a:fieldlabel[text()='question_type']/../a:fieldentry/text()", namespaces=ns)
    canvas_types = {"multiple_choice_question", "multiple_answers_question", "true_false_question"}
    assert set(types) <= canvas_types | {"short_answer_question", "matching_question"}
    assert len(types) == len(assessment.xpath("//a:item", namespaces=ns))


def test_canvas_zip_of_special_characters_is_valid(special, schemas):
    doc = canvas_assessment(special / "quiz.canvas.zip")
    schemas["qti12"].assertValid(doc)
    ns = {"a": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    short = doc.xpath("//a:item[@ident='item-x-short']//a:varequal/text()", namespaces=ns)
    assert short == ["C:\\temp\\{x}", "x = y # z", "шлях ~ 1"]


# ---------------------------------------------------------------- reproducible files


def test_exports_are_the_same_bytes_every_time(special, tmp_path, make_project):
    again = build_exports(special.parent.parent, tmp_path / "again")
    for name in ("quiz.gift.txt", "quiz.moodle.xml", "quiz.qti21.zip", "quiz.canvas.zip"):
        assert (again / name).read_bytes() == (special / name).read_bytes(), name
    for name in ("quiz.qti21.zip", "quiz.canvas.zip"):
        with zipfile.ZipFile(io.BytesIO((special / name).read_bytes())) as archive:
            names = archive.namelist()
            assert names == sorted(names)
            assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("pairs", range(2, 13))
def test_canvas_pair_scores_add_up_to_a_full_score(pairs):
    from emcon.exports.qti12 import pair_scores

    scores = pair_scores(pairs)
    assert len(scores) == pairs and all(re.fullmatch(r"\d+\.\d\d", s) for s in scores)
    assert round(sum(float(s) for s in scores), 6) == 100
