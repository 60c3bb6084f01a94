"""The slide deck: 16:9 pages for a projector, one idea per slide."""

from __future__ import annotations

import math

from ..outputs import Output
from .card import remember
from .context import PackContext

MOST_PER_SLIDE = 3  # list items (objectives, rules) that fit a slide in 24 pt type


def render(ctx: PackContext) -> list[Output]:
    """Return the slide deck PDF."""
    job = ctx.pdf_job("slides.html", parts=parts, remember=remember(ctx.pack, ctx.modules))
    return [Output("slides-pdf", "slides.pdf", pdf=job)]


def parts(items: list, most: int = MOST_PER_SLIDE) -> list[list]:
    """Split a list into as few slides' worth as hold at most `most` each, evenly."""
    count = max(1, math.ceil(len(items) / most))
    size = math.ceil(len(items) / count)
    return [items[i : i + size] for i in range(0, len(items), size)]
