"""The slide deck and its notes pages, both laid out from the pack's slide plan.

The notes PDF does not lay the slides out a second time: WeasyPrint lays out
only the notes, each page with an empty box where its slide goes, and
place_slides() then draws each page of the laid-out slides PDF into its box
as a form XObject (pikepdf). The build gives it the slides PDF, laid out for
slides-pdf or reused from the previous build.
"""

from __future__ import annotations

import io
import re

from ..outputs import Output
from .context import PackContext

# The box a slide takes on a notes page: the width of an A4 text column, 16:9.
SLIDE_BOX_MM = (170.0, 170.0 * 9 / 16)
MM = 72 / 25.4


def render(ctx: PackContext) -> list[Output]:
    """Return the slides PDF and the notes PDF that places its pages above their notes."""
    slides = ctx.pdf_job("slides.html", deck=ctx.deck)
    notes = ctx.pdf_job("notes.html", deck=ctx.deck, box=SLIDE_BOX_MM)
    notes.after = (slides, place_slides)
    return [Output("slides-pdf", "slides.pdf", pdf=slides), Output("notes-pdf", "notes.pdf", pdf=notes)]


def place_slides(notes_pdf: bytes, slides_pdf: bytes) -> bytes:
    """Return the notes PDF with slide N drawn into the box named slide-box-N on its notes page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(notes_pdf)) as notes, pikepdf.open(io.BytesIO(slides_pdf)) as slides:
        boxes = slide_boxes(notes)
        for number, slide in enumerate(slides.pages, 1):
            if number not in boxes:
                continue
            page_index, left, top = boxes[number]
            page = notes.pages[page_index]
            form = notes.copy_foreign(without_marks(slide))
            name = f"/Slide{number}"  # a fixed name: same input, same bytes
            own_resources(notes, page).XObject[name] = form
            width, height = SLIDE_BOX_MM[0] * MM, SLIDE_BOX_MM[1] * MM
            box = slide.mediabox
            sx, sy = width / float(box[2] - box[0]), height / float(box[3] - box[1])
            # The page's own content may leave its coordinates changed: draw the slide outside it.
            page.contents_add(notes.make_stream(b"q\n"), prepend=True)
            draw = (
                f"Q q /Artifact BMC q {sx:.5f} 0 0 {sy:.5f} {left:.3f} {top - height:.3f} cm {name} Do Q "
                f"0.6 w 0 G {left:.3f} {top - height:.3f} {width:.3f} {height:.3f} re S EMC Q"
            )
            page.contents_add(notes.make_stream(draw.encode()), prepend=False)
        out = io.BytesIO()
        notes.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


def own_resources(pdf, page):
    """Return the page's resources, its own copy (WeasyPrint shares one dictionary among all pages)."""
    import pikepdf

    shared = page.obj.get("/Resources", pikepdf.Dictionary())
    resources = pikepdf.Dictionary({key: value for key, value in shared.items()})
    xobjects = shared.get("/XObject", pikepdf.Dictionary())
    resources.XObject = pikepdf.Dictionary({key: value for key, value in xobjects.items()})
    page.obj.Resources = pdf.make_indirect(resources)
    return page.obj.Resources


def slide_boxes(pdf) -> dict[int, tuple[int, float, float]]:
    """Return each slide box's page index and top-left corner (pt), from WeasyPrint's named destinations."""
    import pikepdf

    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    found = {}
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return found
    for name, dest in pikepdf.NameTree(names.Dests).items():
        if name.startswith("slide-box-"):
            target = dest if isinstance(dest, pikepdf.Array) else dest.D
            found[int(name.removeprefix("slide-box-"))] = (pages[target[0].objgen], float(target[2]), float(target[3]))
    return found


# Marked-content operators in a content stream: "/Tag <<...>> BDC", "/Tag /Name BDC", "/Tag BMC", "EMC".
MARKS = re.compile(rb"/[^\s/<>\[\]()]+\s*(?:<<[^<>]*>>|/[^\s/<>\[\]()]+)\s*BDC\b|/[^\s/<>\[\]()]+\s*BMC\b|\bEMC\b")


def without_marks(page):
    """Return a page as a form XObject without marked-content tags (they belong to the slides PDF's structure)."""
    import pikepdf

    form = page.as_form_xobject()
    data = form.read_bytes()
    if b"(" not in data:  # WeasyPrint writes text as hex strings: no string can hold a lookalike operator
        form.write(MARKS.sub(b"", data))
        return form
    marks = ("BDC", "BMC", "EMC")
    kept = [(operands, op) for operands, op in pikepdf.parse_content_stream(form) if str(op) not in marks]
    form.write(pikepdf.unparse_content_stream(kept))
    return form
