"""LMS exports of a pack's whole item bank: GIFT, Moodle XML, QTI 2.1 and Canvas QTI 1.2.

Forms are for paper; an LMS gets every item of the pack's modules, one
category (or section) per module under one per pack, and draws its own quizzes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..outputs import Output
from . import gift, moodle, qti12, qti21

if TYPE_CHECKING:
    from ..render.context import PackContext  # a type only: the renderers import this package


def render(ctx: PackContext) -> list[Output]:
    """Return the four LMS files of a pack that has quiz items."""
    if not any(m.quiz for m in ctx.modules):
        return []
    return [
        Output("gift", "quiz.gift.txt", data=gift.export(ctx).encode()),
        Output("moodle-xml", "quiz.moodle.xml", data=moodle.export(ctx)),
        Output("qti21", "quiz.qti21.zip", data=qti21.export(ctx)),
        Output("qti12-canvas", "quiz.canvas.zip", data=qti12.export(ctx)),
    ]
