"""Finish WeasyPrint's tagged PDF for PDF/UA: what the structure tree does not hold is an artifact.

WeasyPrint tags the text of page-margin boxes (running banners, titles, page numbers)
as marked content whose structure elements hang from no parent in the tree: a screen
reader meets content that belongs to nothing. PDF/UA wants such content marked as an
artifact. This step, run on the bytes WeasyPrint wrote, turns every marked-content
sequence whose structure element the tree cannot reach into an `/Artifact` sequence and
drops it from the parent tree. What the HTML hides from assistive technology at the top
of its body (`<article aria-hidden="true">`) becomes an artifact too: the pocket card
prints the same card several times on a sheet, and only the first copy stays in the tree.

The result is deterministic: same input bytes, same output bytes.
"""

from __future__ import annotations

import io

import lxml.html
import pikepdf


def finish(data: bytes, html: str) -> bytes:
    """Return the PDF that html gave with untagged margin content, and what html hides, marked as artifacts."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        hidden = drop_hidden_articles(root, hidden_articles(html))
        reachable = reachable_elements(root)
        numbers = root.ParentTree.Nums
        mapping = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in mapping:
                continue
            parents = mapping[int(key)]
            loose = {
                mcid: parent.objgen in hidden
                for mcid, parent in enumerate(parents)
                if isinstance(parent, pikepdf.Dictionary) and parent.objgen not in reachable
            }
            if loose:
                mark_artifacts(pdf, page, loose)
                for mcid in loose:
                    parents[mcid] = None
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def hidden_articles(html: str) -> list[bool]:
    """Return, for each article at the top of html's body, whether it is hidden from assistive technology."""
    return [a.get("aria-hidden") == "true" for a in lxml.html.document_fromstring(html).xpath("/html/body/article")]


def drop_hidden_articles(root, hidden: list[bool]) -> set[tuple[int, int]]:
    """Detach the Art elements of hidden articles from the document; return their elements and all below.

    The card's copies are the case: each is a top-level article on one page, one Art element.
    """
    if not any(hidden):
        return set()
    document = kids(root)[0]
    arts = [kid for kid in kids(document) if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Art"]
    if len(arts) != len(hidden):
        raise ValueError(f"{len(hidden)} top-level articles were tagged as {len(arts)}: hide only articles on one page")
    dropped = [art for art, gone in zip(arts, hidden, strict=True) if gone]
    document.K = pikepdf.Array([kid for kid in kids(document) if all(kid.objgen != art.objgen for art in dropped)])
    return {element.objgen for art in dropped for element in descendants(art)}


def reachable_elements(root) -> set[tuple[int, int]]:
    """Return the object ids of every structure element reachable from the tree's root."""
    return {element.objgen for top in kids(root) for element in descendants(top)}


def descendants(element):
    """Yield element and every structure element below it."""
    stack = [element]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") != pikepdf.Name.OBJR and "/S" in node:
            yield node
            stack.extend(kids(node))


def kids(node) -> list:
    """Return the children in node's /K: one object or an array of them."""
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def mark_artifacts(pdf, page, loose: dict[int, bool]) -> None:
    """Rewrite page's content so that each marked-content id in loose opens an artifact instead.

    A repeat (loose[mcid] true) is a plain artifact; the rest are page margins, pagination artifacts.
    """
    pagination = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
    instructions = []
    for instruction in pikepdf.parse_content_stream(page):
        mcid = marked_content_id(instruction)
        if mcid in loose:
            if loose[mcid]:
                instruction = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
            else:
                instruction = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.Artifact, pagination], pikepdf.Operator("BDC")
                )
        instructions.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def marked_content_id(instruction) -> int | None:
    """Return the MCID that a BDC instruction opens, or None."""
    if str(instruction.operator) != "BDC" or len(instruction.operands) != 2:
        return None
    properties = instruction.operands[1]
    if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
        return None
    return int(properties.MCID)
