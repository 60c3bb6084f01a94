"""Bubble answer sheets, one PDF per form, drawn at the coordinates sheet.py computes."""

from __future__ import annotations

import segno
from markupsafe import Markup

from ..errors import BuildError
from ..localize import choice_letter
from ..outputs import Output
from ..sheet import BUBBLE_R, MARK_SIZE, QR_BORDER, SheetError, SheetPage, sheet_layout
from .context import PackContext


def render(ctx: PackContext) -> list[Output]:
    """Return one answer sheet per form when the pack asks for them."""
    if not ctx.pack.quiz.answer_sheets or not any(m.quiz for m in ctx.modules):
        return []
    outputs = []
    for form in ctx.forms:
        pages = layout(ctx, form)
        job = ctx.pdf_job(
            "answer-sheet.html", form=form, pages=pages, qr=[qr_image(p) for p in pages], r=BUBBLE_R, mark=MARK_SIZE
        )
        outputs.append(Output("answer-sheet-pdf", f"answer-sheet-{form.letter}.pdf", pdf=job, form=form.letter))
    return outputs


def layout(ctx: PackContext, form) -> list[SheetPage]:
    """Return the pages of a form's sheet, with the pack's words inside the true/false and right/wrong bubbles."""
    t = ctx.strings["sheet"]
    try:
        return sheet_layout(
            ctx.pack.id,
            ctx.pack.version,
            ctx.pack.page_size,
            form,
            (t["true_bubble"], t["false_bubble"]),
            (t["right_bubble"], t["wrong_bubble"]),
            lambda letter: choice_letter(letter, ctx.pack.language),
        )
    except SheetError as exc:
        raise BuildError(f"{ctx.pack.id}: answer sheet of form {form.letter}: {exc}") from None


def qr_image(page: SheetPage) -> Markup:
    """Return the page's QR code as an SVG data URI (black on white, quiet zone included)."""
    return Markup(segno.make(page.payload, error="m", micro=False).svg_data_uri(border=QR_BORDER, scale=1))
