"""IMS QTI 2.1 content package: one assessmentItem per quiz item, an assessmentTest, a manifest.

The test has one section per module; each item scores in points (SCORE up to
the item's points) and shows its explanation and source as modal feedback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from lxml.etree import SubElement

from ..model import Matching, MultipleResponse, Ordering, ShortAnswer, SingleChoice, TrueFalse
from .common import XML_LANG, feedback_html, html_block, html_inline, reproducible_zip, xml_bytes

if TYPE_CHECKING:
    from ..render.context import PackContext  # a type only: the renderers import this package

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
TEST_FILE = "assessmentTest.xml"


def q(tag: str) -> str:
    """Return a tag name in the QTI namespace."""
    return f"{{{QTI}}}{tag}"


def export(ctx: PackContext) -> bytes:
    """Return the content package of the pack's whole item bank as a zip."""
    sources = ctx.curriculum.sources
    words = ctx.strings["quiz"]
    lang = ctx.pack.language
    files = {
        item_path(item): xml_bytes(assessment_item(item, sources, words, lang)) for m in ctx.modules for item in m.quiz
    }
    files[TEST_FILE] = xml_bytes(assessment_test(ctx))
    files["imsmanifest.xml"] = xml_bytes(manifest(ctx))
    return reproducible_zip(files)


def item_ident(item) -> str:
    """Return an item's QTI identifier (an NCName even when the id starts with a digit)."""
    return f"item-{item.id}"


def item_path(item) -> str:
    return f"items/{item.id}.xml"


def qti_root(tag: str, **attributes: str) -> etree._Element:
    root = etree.Element(q(tag), nsmap={None: QTI, "xsi": XSI}, **attributes)
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI} {QTI_XSD}")
    return root


def html_into(parent: etree._Element, html: str) -> etree._Element:
    """Append an HTML fragment to parent as QTI (XHTML-subset) elements; return parent."""
    wrapper = etree.fromstring(f'<wrapper xmlns="{QTI}">{html}</wrapper>')
    if wrapper.text:
        last = parent[-1] if len(parent) else None
        if last is None:
            parent.text = (parent.text or "") + wrapper.text
        else:
            last.tail = (last.tail or "") + wrapper.text
    for child in list(wrapper):
        parent.append(child)
    return parent


def value(parent: etree._Element, text: str, base_type: str | None = None) -> None:
    element = SubElement(
        parent, q("baseValue" if base_type else "value"), **({"baseType": base_type} if base_type else {})
    )
    element.text = text


def assessment_item(item, sources: dict, words: dict, language: str = "en") -> etree._Element:
    """Return one quiz item as a QTI assessmentItem in the pack's language (xml:lang)."""
    root = qti_root(
        "assessmentItem", identifier=item_ident(item), title=item.id, adaptive="false", timeDependent="false"
    )
    root.set(XML_LANG, language)
    interaction = INTERACTIONS[type(item)]
    response = SubElement(root, q("responseDeclaration"), identifier="RESPONSE", **interaction.declaration(item))
    interaction.correct(response, item)
    score = SubElement(
        root,
        q("outcomeDeclaration"),
        identifier="SCORE",
        cardinality="single",
        baseType="float",
        normalMaximum=str(item.points),
    )
    value(SubElement(score, q("defaultValue")), "0")
    feedback = feedback_html(item, sources, words["source"])
    if feedback:
        SubElement(root, q("outcomeDeclaration"), identifier="FEEDBACK", cardinality="single", baseType="identifier")
    body = SubElement(root, q("itemBody"))
    html_into(SubElement(body, q("div"), **{"class": "prompt"}), html_block(item.prompt))
    interaction.body(body, item, words)
    processing = SubElement(root, q("responseProcessing"))
    interaction.scoring(processing, item)
    if feedback:
        show = SubElement(processing, q("setOutcomeValue"), identifier="FEEDBACK")
        value(show, "EXPLANATION", "identifier")
        modal = SubElement(
            root, q("modalFeedback"), outcomeIdentifier="FEEDBACK", identifier="EXPLANATION", showHide="show"
        )
        html_into(SubElement(modal, q("div")), feedback)
    return root


def all_or_nothing(processing: etree._Element, item) -> None:
    """Score the item's points when the response matches the correct one, else 0."""
    otherwise = full_points_if_correct(processing, item)
    value(otherwise, "0", "float")


def mapped(processing: etree._Element, item) -> None:
    """Score the item by its response mapping (partial credit, accepted variants)."""
    SubElement(
        SubElement(processing, q("setOutcomeValue"), identifier="SCORE"), q("mapResponse"), identifier="RESPONSE"
    )


def correct_values(response: etree._Element, values: list[str]) -> None:
    correct = SubElement(response, q("correctResponse"))
    for text in values:
        value(correct, text)


class Choice:
    """Single, multiple and true-false items: a choiceInteraction."""

    scoring = staticmethod(all_or_nothing)

    @staticmethod
    def declaration(item) -> dict:
        many = isinstance(item, MultipleResponse)
        return {"cardinality": "multiple" if many else "single", "baseType": "identifier"}

    @staticmethod
    def correct(response, item) -> None:
        if isinstance(item, TrueFalse):
            correct_values(response, ["true" if item.answer else "false"])
        else:
            correct_values(response, [a.upper() for a in item.correct])

    @staticmethod
    def body(body, item, words) -> None:
        if isinstance(item, TrueFalse):
            interaction = SubElement(
                body, q("choiceInteraction"), responseIdentifier="RESPONSE", shuffle="false", maxChoices="1"
            )
            for ident in ("true", "false"):
                SubElement(interaction, q("simpleChoice"), identifier=ident).text = words[ident]
            return
        many = isinstance(item, MultipleResponse)
        interaction = SubElement(
            body, q("choiceInteraction"), responseIdentifier="RESPONSE", shuffle="true", maxChoices="0" if many else "1"
        )
        for letter, choice in item.lettered:
            html_into(
                SubElement(
                    interaction, q("simpleChoice"), identifier=letter.upper(), fixed="true" if choice.pin else "false"
                ),
                html_inline(choice.text),
            )


class Text:
    """Short answers: a textEntryInteraction; every accepted answer scores, case ignored."""

    scoring = staticmethod(mapped)

    @staticmethod
    def declaration(item) -> dict:
        return {"cardinality": "single", "baseType": "string"}

    @staticmethod
    def correct(response, item) -> None:
        correct_values(response, [item.answer[0]])
        mapping = SubElement(response, q("mapping"), defaultValue="0", lowerBound="0", upperBound=str(item.points))
        for accepted in dict.fromkeys(item.answer):
            SubElement(mapping, q("mapEntry"), mapKey=accepted, mappedValue=str(item.points), caseSensitive="false")

    @staticmethod
    def body(body, item, words) -> None:
        longest = max(len(a) for a in item.answer)
        SubElement(
            SubElement(body, q("p")),
            q("textEntryInteraction"),
            responseIdentifier="RESPONSE",
            expectedLength=str(max(20, longest)),
        )


def mapped_but_full(processing: etree._Element, item) -> None:
    """Score a fully right response exactly the item's points, any other by its mapping.

    Shares such as 1/3 have no exact decimal: three mapped pairs add up to 0.999999, not 1.
    """
    otherwise = full_points_if_correct(processing, item)
    SubElement(otherwise, q("mapResponse"), identifier="RESPONSE")


def full_points_if_correct(processing: etree._Element, item) -> etree._Element:
    """Set SCORE to the item's points when the response is the correct one; return the other branch's setter."""
    condition = SubElement(processing, q("responseCondition"))
    when = SubElement(condition, q("responseIf"))
    match = SubElement(when, q("match"))
    SubElement(match, q("variable"), identifier="RESPONSE")
    SubElement(match, q("correct"), identifier="RESPONSE")
    value(SubElement(when, q("setOutcomeValue"), identifier="SCORE"), str(item.points), "float")
    return SubElement(SubElement(condition, q("responseElse")), q("setOutcomeValue"), identifier="SCORE")


class Match:
    """Matching items: a matchInteraction of two sets; each right pair earns its share, all of them full marks."""

    scoring = staticmethod(mapped_but_full)

    @staticmethod
    def declaration(item) -> dict:
        return {"cardinality": "multiple", "baseType": "directedPair"}

    @staticmethod
    def correct(response, item) -> None:
        pairs = [f"L{n} R{n}" for n in range(1, len(item.pairs) + 1)]
        correct_values(response, pairs)
        mapping = SubElement(response, q("mapping"), defaultValue="0", lowerBound="0", upperBound=str(item.points))
        for pair in pairs:
            SubElement(mapping, q("mapEntry"), mapKey=pair, mappedValue=f"{item.points / len(pairs):.6g}")

    @staticmethod
    def body(body, item, words) -> None:
        n = len(item.pairs)
        interaction = SubElement(
            body, q("matchInteraction"), responseIdentifier="RESPONSE", shuffle="true", maxAssociations=str(n)
        )
        for side, prefix in (("left", "L"), ("right", "R")):
            match_set = SubElement(interaction, q("simpleMatchSet"))
            for number, pair in enumerate(item.pairs, 1):
                choice = SubElement(
                    match_set, q("simpleAssociableChoice"), identifier=f"{prefix}{number}", matchMax="1"
                )
                html_into(choice, html_inline(getattr(pair, side)))


class Order:
    """Ordering items: an orderInteraction scored all or nothing."""

    scoring = staticmethod(all_or_nothing)

    @staticmethod
    def declaration(item) -> dict:
        return {"cardinality": "ordered", "baseType": "identifier"}

    @staticmethod
    def correct(response, item) -> None:
        correct_values(response, [f"S{n}" for n in range(1, len(item.sequence) + 1)])

    @staticmethod
    def body(body, item, words) -> None:
        interaction = SubElement(body, q("orderInteraction"), responseIdentifier="RESPONSE", shuffle="true")
        for number, step in enumerate(item.sequence, 1):
            html_into(SubElement(interaction, q("simpleChoice"), identifier=f"S{number}"), html_inline(step))


INTERACTIONS = {
    SingleChoice: Choice,
    MultipleResponse: Choice,
    TrueFalse: Choice,
    ShortAnswer: Text,
    Matching: Match,
    Ordering: Order,
}


def assessment_test(ctx: PackContext) -> etree._Element:
    """Return the test: one section per module, the total score summed over items."""
    root = qti_root("assessmentTest", identifier=f"test-{ctx.pack.id}", title=ctx.pack.title)
    SubElement(root, q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float")
    part = SubElement(root, q("testPart"), identifier="part-1", navigationMode="nonlinear", submissionMode="individual")
    for module in ctx.modules:
        if module.quiz:
            section = SubElement(
                part, q("assessmentSection"), identifier=f"section-{module.id}", title=module.title, visible="true"
            )
            for item in module.quiz:
                SubElement(section, q("assessmentItemRef"), identifier=item_ident(item), href=item_path(item))
    total = SubElement(SubElement(root, q("outcomeProcessing")), q("setOutcomeValue"), identifier="SCORE")
    SubElement(SubElement(total, q("sum")), q("testVariables"), variableIdentifier="SCORE")
    return root


def manifest(ctx: PackContext) -> etree._Element:
    """Return imsmanifest.xml: the test and every item as resources."""
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "xsi": XSI}, identifier=f"manifest-{ctx.pack.id}")
    root.set(f"{{{XSI}}}schemaLocation", CP_XSD)
    metadata = SubElement(root, f"{{{CP}}}metadata")
    SubElement(metadata, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.0.0"
    SubElement(root, f"{{{CP}}}organizations")
    resources = SubElement(root, f"{{{CP}}}resources")
    items = [item for m in ctx.modules for item in m.quiz]
    test = SubElement(
        resources, f"{{{CP}}}resource", identifier=f"test-{ctx.pack.id}", type="imsqti_test_xmlv2p1", href=TEST_FILE
    )
    SubElement(test, f"{{{CP}}}file", href=TEST_FILE)
    for item in items:
        SubElement(test, f"{{{CP}}}dependency", identifierref=item_ident(item))
    for item in items:
        resource = SubElement(
            resources,
            f"{{{CP}}}resource",
            identifier=item_ident(item),
            type="imsqti_item_xmlv2p1",
            href=item_path(item),
        )
        SubElement(resource, f"{{{CP}}}file", href=item_path(item))
    return root
