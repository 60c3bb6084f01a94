"""Quotes against their sources: is a quote there word for word, and if not, where does it differ?

A quote one character off (a straight apostrophe for a curly one, a word left out) is found by
its closest passage in the source; the message shows both with the first difference in brackets.
"""

from __future__ import annotations

from difflib import SequenceMatcher

CONTEXT = 30  # characters shown each side of the first difference
CLOSE_ENOUGH = 0.6  # below this likeness the "closest" passage is no passage at all
# Characters that look alike in print but differ to a verbatim check.
LOOKALIKES = frozenset("'’‘`\"“”„«»-–—‐ \u00a0")


def fold_whitespace(text: str) -> str:
    """Collapse runs of whitespace, so line breaks in YAML or the source do not matter."""
    return " ".join(text.split())


def difference(source: str, quote: str) -> str:
    """Return where the quote (not in the source verbatim) differs from the source's closest passage."""
    passage = closest_passage(source, quote)
    if passage is None or SequenceMatcher(None, passage, quote, autojunk=False).ratio() < CLOSE_ENOUGH:
        return "no passage of the source comes close; is it the right source?"
    opcodes = SequenceMatcher(None, passage, quote, autojunk=False).get_opcodes()
    _, i1, i2, j1, j2 = next((op for op in opcodes if op[0] != "equal"), ("equal", 0, 0, 0, 0))
    hint = ""
    if set(passage[i1:i2] + quote[j1:j2]) <= LOOKALIKES:
        hint = " (quote marks, apostrophes, dashes or spaces differ: copy the source's characters)"
    return (
        f'the closest passage first differs at the brackets: source "{_marked(passage, i1, i2)}", '
        f'quote "{_marked(quote, j1, j2)}"{hint}'
    )


def closest_passage(source: str, quote: str) -> str | None:
    """Return the passage of source most like quote, as long as the quote and aligned with it; None if none."""
    anchor = SequenceMatcher(None, source, quote, autojunk=False).find_longest_match(0, len(source), 0, len(quote))
    if anchor.size == 0:
        return None
    start = max(0, anchor.a - anchor.b - len(quote) // 2)
    window = source[start : anchor.a - anchor.b + len(quote) + len(quote) // 2]
    blocks = [b for b in SequenceMatcher(None, window, quote, autojunk=False).get_matching_blocks() if b.size]
    first, last = blocks[0], blocks[-1]
    begin = max(0, first.a - first.b)
    end = min(len(window), last.a + last.size + len(quote) - (last.b + last.size))
    return window[begin:end]


def _marked(text: str, start: int, end: int) -> str:
    """Return text around start:end, that part in brackets, cut to CONTEXT characters each side with '…'."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return (
        ("…" if start > CONTEXT else "")
        + f"{before}[{text[start:end]}]{after}"
        + ("…" if end + CONTEXT < len(text) else "")
    )
