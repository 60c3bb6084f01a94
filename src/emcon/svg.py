"""SVG figures: parsed with lxml and held to an allow-list, so a figure can only be a picture.

A figure is published as it is (in the site, inline in single-file HTML, in PDFs), so
anything that runs or fetches is refused: scripts, event handlers, links, foreign
content, animation (which can rewrite an href), and references to any file or address
outside the figure. Editors' own namespaces (Inkscape, Sodipodi, RDF metadata) pass:
no renderer acts on them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
EDITORS = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
)
FILTERS = (
    "feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR "
    "feGaussianBlur feMerge feMergeNode feMorphology feOffset feTile feTurbulence"
)
ELEMENTS = frozenset(
    (
        "svg g defs title desc metadata symbol use path rect circle ellipse line polyline polygon text tspan "
        "textPath marker linearGradient radialGradient stop pattern clipPath mask filter image style " + FILTERS
    ).split()
)
ATTRIBUTES = frozenset(
    """
    id class style lang role tabindex focusable transform x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d
    points pathLength viewBox preserveAspectRatio version baseProfile dx dy rotate textLength lengthAdjust
    startOffset method spacing side offset gradientUnits gradientTransform spreadMethod patternUnits
    patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits refX refY markerWidth
    markerHeight markerUnits orient filterUnits primitiveUnits stdDeviation in in2 result mode operator k1 k2 k3
    k4 values type tableValues slope intercept amplitude exponent radius baseFrequency numOctaves seed stitchTiles
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin
    stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color display visibility overflow clip-path
    clip-rule mask marker-start marker-mid marker-end stop-color stop-opacity flood-color flood-opacity
    lighting-color font-family font-size font-size-adjust font-stretch font-style font-variant font-weight
    text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
    text-decoration writing-mode direction unicode-bidi vector-effect paint-order shape-rendering
    text-rendering image-rendering color-interpolation color-interpolation-filters color-rendering
    mix-blend-mode isolation filter enable-background href
    """.split()
)
XML_ATTRIBUTES = {"{http://www.w3.org/XML/1998/namespace}" + name for name in ("lang", "space", "base")}
URL = re.compile(r"url\(\s*['\"]?\s*([^'\")]*)", re.I)
RASTER = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.I)
PICTURE = "a figure is a picture: no scripts, links, animation or outside files"


def svg_problem(path: Path) -> str | None:
    """Return why an SVG file may not be a figure ('line 4: ...'), or None."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        return f"is not a readable SVG image ({exc.msg})"
    root = tree.getroot()
    if root.tag not in ("svg", f"{{{SVG}}}svg"):
        return "is XML, but not an SVG image"
    if tree.docinfo.internalDTD is not None:
        return f"declares a DOCTYPE with entities; remove it ({PICTURE})"
    for element in root.iter():
        found = _element_problem(element)
        if found:
            return f"line {element.sourceline}: {found}"
    return None


def _element_problem(element) -> str | None:
    if not isinstance(element.tag, str):  # comments, processing instructions
        return "holds an XML processing instruction" if isinstance(element, etree._ProcessingInstruction) else None
    namespace, _, name = element.tag.rpartition("}")
    namespace = namespace.lstrip("{")
    if namespace in EDITORS:
        return None
    if namespace not in (SVG, "") or name not in ELEMENTS:
        return f"<{name}> is not allowed ({PICTURE})"
    for key, value in element.attrib.items():
        found = _attribute_problem(element, key, value)
        if found:
            return found
    if name == "style":
        return _references_problem(element.text or "", css=True)
    return None


def _attribute_problem(element, key: str, value: str) -> str | None:
    namespace, _, name = key.rpartition("}")
    namespace = namespace.lstrip("{")
    if name.lower().startswith("on"):
        return f"attribute '{name}' runs a script, which a figure may not ({PICTURE})"
    if namespace in EDITORS or key in XML_ATTRIBUTES or name.startswith(("aria-", "data-")):
        return None
    if namespace not in ("", XLINK) or (namespace == XLINK and name != "href") or name not in ATTRIBUTES | {"href"}:
        return f"attribute '{name}' is not allowed ({PICTURE})"
    if name == "href":
        image = element.tag == f"{{{SVG}}}image"
        if not (value.strip().startswith("#") or (image and RASTER.match(value.strip()))):
            return f"refers to '{value}'; a figure holds everything it shows (only #id and data: references)"
        return None
    return _references_problem(value, css=name == "style")


def _references_problem(text: str, css: bool) -> str | None:
    """Return the problem with url() references (and @import, in CSS) in text, or None."""
    if css and "@import" in text.lower():
        return f"a stylesheet in the figure imports another file ({PICTURE})"
    for ref in URL.findall(text):
        if not ref.strip().startswith("#") and not RASTER.match(ref.strip()):
            return f"refers to '{ref}'; a figure holds everything it shows (only #id and data: references)"
    if "javascript:" in text.lower().replace(" ", ""):
        return f"holds a javascript: address ({PICTURE})"
    return None
