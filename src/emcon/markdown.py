"""CommonMark for text fields: raw HTML is shown as text, unsafe links dropped."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")
MAX_NESTING = 20  # markdown-it stops parsing at this depth and drops the rest of the text


def _validate_link(url: str) -> bool:
    """Allow web and mail links and in-page anchors; drop javascript:, file:, data: and paths."""
    lowered = url.strip().lower()
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith("#")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING})
    md.disable("image")  # figures are declared in YAML, where they are checked
    md.validateLink = _validate_link
    return md


@lru_cache(maxsize=1)
def _link_finder() -> MarkdownIt:
    """Return a parser that keeps every link, to find the ones the real parser drops."""
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = lambda url: True
    return md


def dropped_links(text: str) -> list[str]:
    """Return the targets of the links in text that rendering drops (javascript:, file:, relative paths)."""
    if "](" not in text and "<" not in text:  # no link can hide in the text: skip parsing
        return []
    tokens = [child for tok in _link_finder().parse(text) for child in (tok.children or [])]
    hrefs = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    return list(dict.fromkeys(str(h) for h in hrefs if not _validate_link(str(h))))


def too_deep(text: str) -> bool:
    """Return whether text nests lists or quotes so deep that rendering would drop what follows."""
    if not any(mark in text for mark in ("- ", "* ", "+ ", ">", ". ", ") ")):
        return False  # no list or quote can nest: skip parsing
    return any(token.level >= MAX_NESTING - 1 for token in _parser().parse(text))


@lru_cache(maxsize=4096)
def render_block(text: str) -> Markup:
    """Render Markdown paragraphs, lists and emphasis to safe HTML."""
    return Markup(_parser().render(text))


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """Render one line of Markdown (emphasis, code, links) without a paragraph."""
    return Markup(_parser().renderInline(text))


def plain_text(text: str) -> str:
    """Return the text of a Markdown string without markup, for exports and PDF metadata."""
    tokens = _parser().parseInline(text)
    return "".join(t.content for tok in tokens for t in (tok.children or []) if t.type in ("text", "code_inline"))
