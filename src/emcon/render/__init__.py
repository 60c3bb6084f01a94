"""Stage 3: renderers. Each takes a PackContext and returns the pack's Outputs."""

from __future__ import annotations

from .. import exports
from . import briefing, card, instructor, quiz, slides

# Each entry renders one family of outputs; later kinds add themselves here.
RENDERERS = [briefing.render, instructor.render, slides.render, card.render, quiz.render, exports.render]
