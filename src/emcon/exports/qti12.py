"""Canvas QTI 1.2: the zip Canvas's "QTI .zip file" import reads.

One assessment for the pack with a section per module, each item carrying the
metadata Canvas reads (question_type, points_possible, ...). Canvas Classic
Quizzes have no ordering type, so an ordering item becomes a matching question
that pairs each step with its position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from lxml.etree import SubElement

from ..markdown import plain_text
from ..model import Matching, MultipleResponse, Ordering, ShortAnswer, SingleChoice, TrueFalse
from .common import XML_LANG, feedback_html, html_block, html_inline, reproducible_zip, xml_bytes

if TYPE_CHECKING:
    from ..render.context import PackContext  # a type only: the renderers import this package

ASI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CC = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ASI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "true-false": "true_false_question",
    "short": "short_answer_question",
    "matching": "matching_question",
    "ordering": "matching_question",
}


def a(tag: str) -> str:
    """Return a tag name in the QTI 1.2 ASI namespace."""
    return f"{{{ASI}}}{tag}"


def export(ctx: PackContext) -> bytes:
    """Return the Canvas QTI zip of the pack's whole item bank."""
    ident = f"emcon-{ctx.pack.id}"
    return reproducible_zip(
        {
            "imsmanifest.xml": xml_bytes(manifest(ident)),
            f"{ident}/{ident}.xml": xml_bytes(assessment(ctx, ident)),
            f"{ident}/assessment_meta.xml": xml_bytes(canvas_settings(ctx, ident)),
        }
    )


def canvas_settings(ctx: PackContext, ident: str) -> etree._Element:
    """Return assessment_meta.xml: the Canvas quiz settings QTI cannot carry (title, points, shuffling)."""
    root = etree.Element(f"{{{CANVAS}}}quiz", nsmap={None: CANVAS}, identifier=ident)
    points = sum(item.points for m in ctx.modules for item in m.quiz)
    for tag, value in (
        ("title", ctx.pack.title),
        ("description", html_block(ctx.pack.subtitle) if ctx.pack.subtitle else ""),
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", f"{points:.1f}"),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "1"),
        ("available", "false"),
    ):
        SubElement(root, f"{{{CANVAS}}}{tag}").text = value
    return root


def assessment(ctx: PackContext, ident: str) -> etree._Element:
    """Return the questestinterop document: the pack's assessment, a section per module."""
    sources = ctx.curriculum.sources
    words = ctx.strings["quiz"]
    root = etree.Element(a("questestinterop"), nsmap={None: ASI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", ASI_XSD)
    test = SubElement(root, a("assessment"), {XML_LANG: ctx.pack.language}, ident=ident, title=ctx.pack.title)
    metadata(test, {"cc_maxattempts": "1"})
    top = SubElement(test, a("section"), ident="root_section")
    for module in ctx.modules:
        if module.quiz:
            section = SubElement(top, a("section"), ident=f"section-{module.id}", title=module.title)
            for item in module.quiz:
                section.append(canvas_item(item, sources, words))
                section[-1].set(XML_LANG, ctx.pack.language)
    return root


def metadata(parent: etree._Element, fields: dict[str, str], tag: str = "qtimetadata") -> None:
    """Append a qtimetadata block of label/entry pairs."""
    block = SubElement(parent, a(tag))
    for label, entry in fields.items():
        field = SubElement(block, a("qtimetadatafield"))
        SubElement(field, a("fieldlabel")).text = label
        SubElement(field, a("fieldentry")).text = entry


def material(parent: etree._Element, text: str, html: bool = True) -> etree._Element:
    """Append a <material> holding text (HTML as escaped text, as Canvas expects)."""
    node = SubElement(parent, a("material"))
    SubElement(node, a("mattext"), texttype="text/html" if html else "text/plain").text = text
    return node


def canvas_item(item, sources: dict, words: dict) -> etree._Element:
    """Return one quiz item as a Canvas QTI item."""
    node = etree.Element(a("item"), ident=f"item-{item.id}", title=item.id)
    labels = response_labels(item, words)
    meta = SubElement(node, a("itemmetadata"))
    metadata(
        meta,
        {
            "question_type": CANVAS_TYPES[item.type],
            "points_possible": str(item.points),
            "original_answer_ids": ",".join(ident for ident, _ in labels),
            "assessment_question_identifierref": f"question-{item.id}",
        },
    )
    presentation = SubElement(node, a("presentation"))
    material(presentation, html_block(item.prompt))
    processing = SubElement(node, a("resprocessing"))
    outcomes = SubElement(processing, a("outcomes"))
    SubElement(outcomes, a("decvar"), maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedback = feedback_html(item, sources, words["source"])
    if feedback:
        always = SubElement(processing, a("respcondition"), attrib={"continue": "Yes"})
        SubElement(SubElement(always, a("conditionvar")), a("other"))
        SubElement(always, a("displayfeedback"), feedbacktype="Response", linkrefid="general_fb")
    if isinstance(item, (Matching, Ordering)):
        pairs(presentation, processing, item, labels)
    elif isinstance(item, ShortAnswer):
        short(presentation, processing, item)
    else:
        choices(presentation, processing, item, labels)
    if feedback:
        flow = SubElement(SubElement(node, a("itemfeedback"), ident="general_fb"), a("flow_mat"))
        material(flow, feedback)
    return node


def response_labels(item, words: dict) -> list[tuple[str, str]]:
    """Return (ident, HTML text) of the answers a student picks from."""
    if isinstance(item, TrueFalse):
        return [(f"{item.id}-true", words["true"]), (f"{item.id}-false", words["false"])]
    if isinstance(item, (SingleChoice, MultipleResponse)):
        return [(f"{item.id}-{letter}", html_inline(c.text)) for letter, c in item.lettered]
    if isinstance(item, Matching):
        return [(f"{item.id}-r{n}", plain_text(p.right)) for n, p in enumerate(item.pairs, 1)]
    if isinstance(item, Ordering):
        return [(f"{item.id}-r{n}", str(n)) for n in range(1, len(item.sequence) + 1)]
    return []


def correct_idents(item) -> list[str]:
    if isinstance(item, TrueFalse):
        return [f"{item.id}-{'true' if item.answer else 'false'}"]
    return [f"{item.id}-{letter}" for letter in item.correct]


def varequal(parent: etree._Element, respident: str, text: str) -> None:
    SubElement(parent, a("varequal"), respident=respident).text = text


def score(condition: etree._Element, action: str, amount: str) -> None:
    SubElement(condition, a("setvar"), action=action, varname="SCORE").text = amount


def choices(presentation, processing, item, labels) -> None:
    """Single, multiple and true-false items: one response_lid; all right choices (and no wrong) score 100."""
    many = isinstance(item, MultipleResponse)
    lid = SubElement(presentation, a("response_lid"), ident="response1", rcardinality="Multiple" if many else "Single")
    render = SubElement(lid, a("render_choice"))
    for ident, text in labels:
        material(SubElement(render, a("response_label"), ident=ident), text)
    right = correct_idents(item)
    condition = SubElement(processing, a("respcondition"), attrib={"continue": "No"})
    test = SubElement(condition, a("conditionvar"))
    if many:
        both = SubElement(test, a("and"))
        for ident, _ in labels:
            varequal(both if ident in right else SubElement(both, a("not")), "response1", ident)
    else:
        varequal(test, "response1", right[0])
    score(condition, "Set", "100")


def short(presentation, processing, item) -> None:
    """Short answers: a text field; any accepted answer scores 100."""
    response = SubElement(presentation, a("response_str"), ident="response1", rcardinality="Single")
    SubElement(SubElement(response, a("render_fib")), a("response_label"), ident="answer1", rshuffle="No")
    condition = SubElement(processing, a("respcondition"), attrib={"continue": "No"})
    test = SubElement(condition, a("conditionvar"))
    for accepted in item.answer:
        varequal(test, "response1", accepted)
    score(condition, "Set", "100")


def pairs(presentation, processing, item, labels) -> None:
    """Matching (and ordering as step-to-position matching): one response_lid per left side."""
    lefts = [p.left for p in item.pairs] if isinstance(item, Matching) else list(item.sequence)
    for n, (left, share) in enumerate(zip(lefts, pair_scores(len(lefts)), strict=True), 1):
        lid = SubElement(presentation, a("response_lid"), ident=f"response_{item.id}-l{n}")
        material(lid, plain_text(left), html=False)
        render = SubElement(lid, a("render_choice"))
        for ident, text in labels:
            material(SubElement(render, a("response_label"), ident=ident), text, html=False)
        condition = SubElement(processing, a("respcondition"))
        varequal(SubElement(condition, a("conditionvar")), f"response_{item.id}-l{n}", f"{item.id}-r{n}")
        score(condition, "Add", share)


def pair_scores(count: int) -> list[str]:
    """Return each pair's score, to two decimals, that add up to exactly 100 (the last takes the rest)."""
    each = round(100 / count, 2)
    return [f"{each:.2f}"] * (count - 1) + [f"{100 - each * (count - 1):.2f}"]


def manifest(ident: str) -> etree._Element:
    """Return the manifest Canvas looks for: the QTI 1.2 assessment and its Canvas settings."""
    root = etree.Element(f"{{{CC}}}manifest", nsmap={None: CC}, identifier=f"{ident}-manifest")
    metadata_node = SubElement(root, f"{{{CC}}}metadata")
    SubElement(metadata_node, f"{{{CC}}}schema").text = "IMS Content"
    SubElement(metadata_node, f"{{{CC}}}schemaversion").text = "1.1.3"
    SubElement(root, f"{{{CC}}}organizations")
    resources = SubElement(root, f"{{{CC}}}resources")
    resource = SubElement(resources, f"{{{CC}}}resource", identifier=ident, type="imsqti_xmlv1p2")
    SubElement(resource, f"{{{CC}}}file", href=f"{ident}/{ident}.xml")
    SubElement(resource, f"{{{CC}}}dependency", identifierref=f"{ident}-meta")
    meta_href = f"{ident}/assessment_meta.xml"
    kind = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
    meta = SubElement(resources, f"{{{CC}}}resource", identifier=f"{ident}-meta", type=kind, href=meta_href)
    SubElement(meta, f"{{{CC}}}file", href=meta_href)
    return root
