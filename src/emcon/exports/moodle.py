"""Moodle XML: the question types Moodle's importer knows, with feedback and default grades.

Shaped after Moodle's reader (question/format/xml/format.php): `multichoice`
(single true/false), `truefalse`, `shortanswer`, `matching`, and `ordering`
(a standard question type since Moodle 4.4). The explanation and its source
become the general feedback, shown once a question is answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from lxml.etree import SubElement

from ..localize import choice_letter
from ..markdown import plain_text
from ..model import Matching, MultipleResponse, Ordering, ShortAnswer, SingleChoice, TrueFalse
from .common import (
    choice_percents,
    feedback_html,
    html_block,
    html_inline,
    moodle_category,
    question_name,
    xml_bytes,
)

if TYPE_CHECKING:
    from ..render.context import PackContext  # a type only: the renderers import this package

PENALTY = "0.3333333"  # what a wrong try costs in Moodle's interactive mode, its usual default


def export(ctx: PackContext) -> bytes:
    """Return the Moodle XML file of the pack's whole item bank."""
    sources = ctx.curriculum.sources
    quiz = etree.Element("quiz")
    quiz.append(etree.Comment(" question bank exported by emcon "))  # no title: "--" may not stand in a comment
    category(quiz, moodle_category(ctx.pack), html_block(ctx.pack.subtitle or ctx.pack.title))
    for module in ctx.modules:
        if module.quiz:
            category(quiz, moodle_category(ctx.pack, module), html_block(module.summary))
            for item in module.quiz:
                quiz.append(question(item, sources, ctx.strings["quiz"]["source"], ctx.pack.language))
    return xml_bytes(quiz)


def category(quiz: etree._Element, path: str, info: str) -> None:
    """Append the pseudo-question that switches the import to a category."""
    node = SubElement(quiz, "question", type="category")
    text(SubElement(node, "category"), path)
    text(SubElement(node, "info", format="html"), info)


def text(parent: etree._Element, value: str) -> etree._Element:
    """Add a <text> child holding value; return parent."""
    SubElement(parent, "text").text = value
    return parent


def formatted(parent: etree._Element, tag: str, html: str) -> etree._Element:
    """Add an HTML-formatted text element such as <questiontext>."""
    return text(SubElement(parent, tag, format="html"), html)


def question(item, sources: dict, label: str, language: str = "en") -> etree._Element:
    """Return one item as a <question> of the matching Moodle type."""
    kind = {
        "single": "multichoice",
        "multiple": "multichoice",
        "true-false": "truefalse",
        "short": "shortanswer",
        "matching": "matching",
        "ordering": "ordering",
    }[item.type]
    node = etree.Element("question", type=kind)
    text(SubElement(node, "name"), question_name(item))
    formatted(node, "questiontext", html_block(item.prompt))
    formatted(node, "generalfeedback", feedback_html(item, sources, label))
    SubElement(node, "defaultgrade").text = str(item.points)
    SubElement(node, "penalty").text = "1" if isinstance(item, TrueFalse) else PENALTY
    SubElement(node, "hidden").text = "0"
    SubElement(node, "idnumber").text = item.id
    BODIES[type(item)](node, item)
    if choice_letter("a", language) != "a":  # Moodle letters only a, A, 1, i: a language with its own shows none
        for numbering in node.iter("answernumbering"):
            numbering.text = "none"
    return node


def answer(node: etree._Element, fraction: str, value: str, fmt: str = "html") -> None:
    """Append an <answer> with its fraction in percent and an empty feedback."""
    element = text(SubElement(node, "answer", fraction=fraction, format=fmt), value)
    formatted(element, "feedback", "")


def combined_feedback(node: etree._Element) -> None:
    """Append the empty right/partly/wrong feedback Moodle expects; it then shows its own words."""
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        formatted(node, tag, "")
    SubElement(node, "shownumcorrect")


def choices(node: etree._Element, item) -> None:
    """Fill a multichoice question; pinned choices turn Moodle's shuffling off."""
    single = isinstance(item, SingleChoice)
    correct = item.correct
    SubElement(node, "single").text = "true" if single else "false"
    SubElement(node, "shuffleanswers").text = "false" if any(c.pin for c in item.choices) else "true"
    SubElement(node, "answernumbering").text = "abc"
    SubElement(node, "showstandardinstruction").text = "1"
    combined_feedback(node)
    weights = ["100" if letter in correct else "0" for letter, _ in item.lettered] if single else choice_percents(item)
    for weight, (_, choice) in zip(weights, item.lettered, strict=True):
        answer(node, weight, html_inline(choice.text))


def true_false(node: etree._Element, item) -> None:
    answer(node, "100" if item.answer else "0", "true", "moodle_auto_format")
    answer(node, "0" if item.answer else "100", "false", "moodle_auto_format")


def short(node: etree._Element, item) -> None:
    SubElement(node, "usecase").text = "0"
    for accepted in item.answer:
        answer(node, "100", accepted, "moodle_auto_format")


def matching(node: etree._Element, item) -> None:
    SubElement(node, "shuffleanswers").text = "true"
    combined_feedback(node)
    for pair in item.pairs:
        sub = formatted(node, "subquestion", html_inline(pair.left))
        text(SubElement(sub, "answer"), plain_text(pair.right))


def ordering(node: etree._Element, item) -> None:
    for tag, value in (
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", "0"),
        ("gradingtype", "ABSOLUTE_POSITION"),
        ("showgrading", "SHOW"),
        ("numberingstyle", "none"),
    ):
        SubElement(node, tag).text = value
    combined_feedback(node)
    for position, step in enumerate(item.sequence, 1):
        answer(node, f"{position}.0000000", html_inline(step))


BODIES = {
    SingleChoice: choices,
    MultipleResponse: choices,
    TrueFalse: true_false,
    ShortAnswer: short,
    Matching: matching,
    Ordering: ordering,
}
