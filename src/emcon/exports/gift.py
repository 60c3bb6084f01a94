"""Moodle GIFT text: one category per pack and per module, every special character escaped.

Follows Moodle's own reader (question/format/gift/format.php): `~ = # { } :` and the
backslash are escaped with a backslash, a line break is written as `\\n`; texts are HTML
(`[html]`); an ordering item, which GIFT cannot express in core Moodle, becomes a
matching question that pairs each step with its position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..markdown import plain_text
from ..model import Matching, MultipleResponse, Ordering, ShortAnswer, SingleChoice, TrueFalse
from .common import (
    category_names,
    choice_percents,
    feedback_html,
    html_block,
    html_inline,
    moodle_category,
    question_name,
)

if TYPE_CHECKING:
    from ..render.context import PackContext  # a type only: the renderers import this package

SPECIAL = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""}


def escape(text: str) -> str:
    """Escape the characters GIFT gives a meaning to."""
    return "".join(SPECIAL.get(char, char) for char in text)


def one_line(text: str) -> str:
    """Return text on one line: a comment or $CATEGORY ends at a line break, and what follows would be read as GIFT."""
    return " ".join(text.split())


def export(ctx: PackContext) -> str:
    """Return the GIFT file of the pack's whole item bank."""
    sources = ctx.curriculum.sources
    blocks = [f"// {one_line(' / '.join(category_names(ctx.pack)))}: question bank exported by emcon"]
    for module in ctx.modules:
        if module.quiz:
            blocks.append(f"$CATEGORY: {one_line(moodle_category(ctx.pack, module))}")
            blocks += [question(item, sources, ctx.strings["quiz"]["source"]) for item in module.quiz]
    return "\n\n".join(blocks) + "\n"


def question(item, sources: dict, label: str) -> str:
    """Return one item as a GIFT question."""
    head = f"// [id:{item.id}]\n::{escape(question_name(item))}::[html]{escape(html_block(item.prompt))}"
    general = feedback_html(item, sources, label)
    tail = f"\t####{escape(general)}\n" if general else ""
    return head + "{\n" + "".join(f"\t{line}\n" for line in answers(item)) + tail + "}"


def answers(item) -> list[str]:
    """Return the answer lines of an item, inside its braces."""
    if isinstance(item, SingleChoice):
        return [("=" if letter == item.answer else "~") + escape(html_inline(c.text)) for letter, c in item.lettered]
    if isinstance(item, MultipleResponse):
        weights = choice_percents(item)
        return [f"~%{w}%" + escape(html_inline(c.text)) for w, (_, c) in zip(weights, item.lettered, strict=True)]
    if isinstance(item, TrueFalse):
        return ["TRUE" if item.answer else "FALSE"]
    if isinstance(item, ShortAnswer):
        return [f"=%100%{escape(answer)}" for answer in item.answer]
    if isinstance(item, Matching):
        return [f"={escape(html_inline(p.left))} -> {escape(plain_text(p.right))}" for p in item.pairs]
    if isinstance(item, Ordering):
        return [f"={escape(html_inline(step))} -> {n}" for n, step in enumerate(item.sequence, 1)]
    raise TypeError(f"unknown quiz item type {item.type!r}")
