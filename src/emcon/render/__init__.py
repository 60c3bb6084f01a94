"""Stage 3: renderers. Each takes a PackContext and returns the pack's Outputs."""

from __future__ import annotations

from .. import exports
from . import briefing, card, exercises, instructor, pptx, quiz, sheet, slides

# Each entry renders one family of outputs: the kinds it makes, so that a build
# of other kinds (--only) skips it, and the function that makes them.
RENDERERS = [
    (("briefing-pdf", "briefing-html"), briefing.render),
    (("instructor-pdf",), instructor.render),
    (("slides-pdf", "notes-pdf"), slides.render),
    (("slides-pptx",), pptx.render),
    (("card-pdf",), card.render),
    (("exercise-pdf",), exercises.render),
    (("quiz-pdf", "key-pdf", "quiz-html"), quiz.render),
    (("answer-sheet-pdf",), sheet.render),
    (("gift", "moodle-xml", "qti21", "qti12-canvas"), exports.render),
]
