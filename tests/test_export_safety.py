"""LMS exports take no HTML from content, cannot be broken by titles, and give full marks exactly."""

from __future__ import annotations

import io
import warnings
import zipfile
from fractions import Fraction
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import MODULE
from emcon.exports.common import MOODLE_FRACTIONS
from test_exports import build_exports, read_gift

SCRIPT = "<script>alert(1)</script>"
ITEMS = """\
  - {id: a-3, type: multiple, objective: explain-alpha, prompt: Pick three., choices: [One, Two, Three, Four, Five], answer: [a, c, e], source: src}
  - {id: a-4, type: matching, objective: explain-alpha, prompt: Match., points: 2, pairs: [{left: A, right: One}, {left: B, right: Two}, {left: C, right: Three}], source: src}
  - {id: a-5, type: ordering, objective: explain-alpha, prompt: Order., sequence: [First, Second, Third], source: src}
  - {id: a-6, type: short, objective: explain-alpha, prompt: Name it., answer: [Flight mode, airplane mode], source: src}
  - {id: a-7, type: multiple, objective: explain-alpha, prompt: Pick six., choices: [A, B, C, D, E, F, G], answer: [a, b, c, d, e, f], source: src}
"""
HOSTILE_MODULE = (MODULE + ITEMS).replace("summary: What alpha teaches.", f"summary: 'Teaches {SCRIPT} alpha.'")
HOSTILE_PACK = f"""\
id: basic
title: "Basic -- pack\\n\\n::evil::Injected?{{=yes}}"
subtitle: 'Sub {SCRIPT}'
audience: soldier
minutes: 6
date: 2026-01-02
modules: [alpha]
quiz: {{questions: 7, forms: 1, minutes: 1}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """Build the exports of a pack whose titles and summaries try to break them."""
    from conftest import MINIMAL

    root = tmp_path_factory.mktemp("hostile")
    for rel, text in {
        **MINIMAL,
        "content/modules/alpha.yaml": HOSTILE_MODULE,
        "content/packs/basic.yaml": HOSTILE_PACK,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return build_exports(root, root / "build")


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def scripts_in(html: str) -> list:
    return list(lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div").iter("script"))


def test_moodle_html_fields_go_through_the_safe_markdown_path(hostile):
    root = etree.parse(hostile / "quiz.moodle.xml")
    infos = [e.findtext("text") for e in root.iter("info")]
    assert infos == [
        "<p>Sub &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<p>Teaches &lt;script&gt;alert(1)&lt;/script&gt; alpha.</p>",
    ]
    html_fields = [e.findtext("text") for e in root.iter() if e.get("format") == "html"]
    assert len(html_fields) > 20 and not any(scripts_in(h) for h in html_fields)
    assert [c.text for c in root.iter(etree.Comment)] == [" question bank exported by emcon "]


def test_canvas_description_goes_through_the_safe_markdown_path(hostile):
    files = unzip(hostile / "quiz.canvas.zip")
    meta = etree.fromstring(files["emcon-basic/assessment_meta.xml"])
    ns = {"c": "http://canvas.instructure.com/xsd/cccv1p0"}
    assert meta.findtext("c:description", namespaces=ns) == "<p>Sub &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assessment = etree.fromstring(files["emcon-basic/emcon-basic.xml"])
    html = [m.text for m in assessment.iter("{*}mattext") if m.get("texttype") == "text/html"]
    assert html and not any(scripts_in(h) for h in html)


def test_qti21_holds_no_script(hostile):
    for name, data in unzip(hostile / "quiz.qti21.zip").items():
        assert not list(etree.fromstring(data).iter("{*}script")), name


def test_a_line_break_in_a_title_adds_no_gift_question(hostile):
    questions = read_gift((hostile / "quiz.gift.txt").read_text(encoding="utf-8"))
    assert [q.get("name", q["type"]).split(":")[0] for q in questions] == [
        "category",
        "a-1",
        "a-2",
        "a-3",
        "a-4",
        "a-5",
        "a-6",
        "a-7",
    ]
    assert questions[0]["category"] == "$course$/top/Basic -- pack ::evil::Injected?{=yes}/Alpha lesson"


# ---------------------------------------------------------------- full marks are exactly full marks


def test_moodle_fractions_of_right_choices_add_up_to_exactly_100(hostile):
    root = etree.parse(hostile / "quiz.moodle.xml")
    allowed = [Fraction(str(f)) for f in MOODLE_FRACTIONS]
    multis = [q for q in root.iter("question") if q.findtext("single") == "false"]
    assert [q.findtext("idnumber") for q in multis] == ["a-3", "a-7"]
    for question in multis:
        fractions = [Fraction(a.get("fraction")) / 100 for a in question.findall("answer")]
        assert sum(f for f in fractions if f > 0) == 1, question.findtext("idnumber")
        assert all(any(abs(abs(f) - a) < Fraction(1, 10**5) for a in allowed) for f in fractions)
    assert [a.get("fraction") for a in multis[0].findall("answer")] == ["40", "-50", "30", "-50", "30"]


def test_gift_fractions_of_right_choices_add_up_to_exactly_100(hostile):
    questions = read_gift((hostile / "quiz.gift.txt").read_text(encoding="utf-8"))
    text = (hostile / "quiz.gift.txt").read_text(encoding="utf-8")
    block = text[text.index("[id:a-3]") : text.index("[id:a-4]")]
    weights = [Fraction(line.split("%")[1]) for line in block.splitlines() if line.startswith("\t~%")]
    assert weights == [40, -50, 30, -50, 30] and sum(w for w in weights if w > 0) == 100
    assert len(questions) == 8


def test_canvas_full_marks_are_exactly_100(hostile):
    assessment = etree.fromstring(unzip(hostile / "quiz.canvas.zip")["emcon-basic/emcon-basic.xml"])
    for item in assessment.iter("{*}item"):
        sets = [Fraction(v.text) for v in item.iter("{*}setvar") if v.get("action") == "Set"]
        adds = [Fraction(v.text) for v in item.iter("{*}setvar") if v.get("action") == "Add"]
        assert (sets == [100] and not adds) or (not sets and sum(adds) == 100), item.get("ident")


def qti21_full_scores(package: Path) -> dict[str, float]:
    """Score each item's correct response with pyslet's QTI 2.1 response processing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pyslet (2017) calls its own old names
        return _score_with_pyslet(package)


def _score_with_pyslet(package: Path) -> dict[str, float]:
    from pyslet.qtiv2.variables import ItemSessionState, Value
    from pyslet.qtiv2.xml import QTIDocument

    scores = {}
    for name, data in unzip(package).items():
        if not name.startswith("items/"):
            continue
        doc = QTIDocument()
        doc.read(src=io.BytesIO(data))
        item = doc.root
        session = ItemSessionState(item)
        session.begin_session()
        session["numAttempts"].set_value(1)  # begin_attempt() without the HTML rendering it also does
        session["RESPONSE"] = Value.copy_value(session["RESPONSE.CORRECT"])
        session.end_attempt()
        scores[item.identifier] = session["SCORE"].value
    return scores


def test_qti21_full_marks_are_exactly_the_items_points(hostile):
    pytest.importorskip("pyslet")
    assert qti21_full_scores(hostile / "quiz.qti21.zip") == {
        "item-a-1": 1.0,
        "item-a-2": 1.0,
        "item-a-3": 1.0,
        "item-a-4": 2.0,
        "item-a-5": 1.0,
        "item-a-6": 1.0,
        "item-a-7": 1.0,
    }
