"""Catalogs: the template messages.pot from the content's texts, LANG.po created or merged, read back.

Babel does the PO work. Two things are emcon's own: a changed English text keeps
its translation as fuzzy by its context (a context names one field, whatever its
text), and nothing in a written file changes unless the content did (no creation
date, no Babel version), so a catalog is diffed and merged like any source file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, PoFileParser, write_po

from ..errors import Problem
from ..loader import Refused, confined, not_utf8
from .texts import Text

LOCALE = "locale"  # content/locale/
TEMPLATE = "messages.pot"
REVIEWED = "X-Reviewed-By"
HEADER = "# Translations of the content of an emcon curriculum.\n# How to translate: docs/translating.md."
UNSTABLE_HEADERS = ("POT-Creation-Date", "Generated-By")  # they would change a file whose content did not


class ContentCatalog(Catalog):
    """A Babel catalog that keeps its X-Reviewed-By header and writes no date or tool version."""

    reviewed_by: str | None = None  # None: a template, which has no reviewer

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers = [(k, v) for k, v in super()._get_mime_headers() if k not in UNSTABLE_HEADERS]
        headers += [(REVIEWED, self.reviewed_by)] if self.reviewed_by is not None else []
        name, value = headers[-1]
        return headers[:-1] + [(name, value + "\n")]  # Babel joins fields with line ends: the last needs its own

    def _set_mime_headers(self, headers) -> None:
        headers = list(headers)
        for name, value in headers:
            if name.lower() == REVIEWED.lower():
                self.reviewed_by = value.strip()
        super()._set_mime_headers(headers)

    mime_headers = property(_get_mime_headers, _set_mime_headers)


def build_template(texts: list[Text]) -> ContentCatalog:
    """Return the template catalog: one entry per text, with its context, comment and line."""
    template = ContentCatalog(project="emcon", version="content", header_comment=HEADER, fuzzy=True)
    for text in texts:
        comments = [text.comment] if text.comment else []
        template.add(text.text, context=text.context, locations=[(text.file, text.line)], auto_comments=comments)
    return template


def new_catalog(language: str) -> ContentCatalog:
    """Return an empty catalog for a language, not yet reviewed by anyone."""
    catalog = ContentCatalog(locale=language, project="emcon", version="content", header_comment=HEADER, fuzzy=False)
    catalog.reviewed_by = ""
    return catalog


def merge(catalog: ContentCatalog, template: ContentCatalog) -> ContentCatalog:
    """Merge the template into a language's catalog: new texts empty, changed English fuzzy, removed ones obsolete."""
    catalog.update(template, no_fuzzy_matching=True)  # Babel's guess matches by likeness, across fields
    moved = {message.context: key for key, message in catalog.obsolete.items() if message.string}
    for message in catalog:
        key = moved.pop(message.context, None) if message.id and not message.string else None
        if key is not None:  # the same field, its English changed: keep the translation for review
            old = catalog.obsolete.pop(key)
            message.string, message.previous_id = old.string, [old.id]
            message.flags |= {"fuzzy"}
    for key in [k for k, message in catalog.obsolete.items() if not message.string]:
        del catalog.obsolete[key]  # an untranslated text that is gone is nothing to keep
    return catalog


def catalog_bytes(catalog: ContentCatalog) -> bytes:
    """Return the catalog as a PO file: entries in content order, previous English of fuzzy ones, obsolete last."""
    for message in catalog:
        # Babel flags any text with a '%' as a Python format string ("80% of" reads as "% o"): these
        # are prose, and the flag would have Poedit and `msgfmt -c` demand the '%' spec in a translation.
        message.flags.discard("python-format")
    out = io.BytesIO()
    write_po(out, catalog, width=76, include_previous=True)
    return out.getvalue()


def read_catalog(content: Path, name: str, shown: str) -> tuple[ContentCatalog | None, list[Problem]]:
    """Read content/locale/NAME; return it, or None and why not (path:line, no traceback)."""
    try:
        path = confined(content, f"{LOCALE}/{name}", "catalog")
    except Refused as refused:
        return None, [Problem(shown, 1, str(refused))]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, *not_utf8(exc))]
    catalog = ContentCatalog()
    try:
        PoFileParser(catalog, ignore_obsolete=False, abort_invalid=True).parse(text.splitlines(keepends=True))
    except PoFileError as exc:
        reason = re.sub(r" on \d+$", "", str(exc))  # Babel counts lines from 0: the line is given in front
        message = f"PO syntax error: {reason[:1].lower()}{reason[1:]}: {exc.line.strip()}"
        if not exc.line.lstrip().startswith(('"', "#", "msg")):
            message += ' (a line of text is written in "quotes"; a line break inside a text is \\n)'
        return None, [Problem(shown, exc.lineno + 1, message)]
    except UnknownLocaleError as exc:
        return None, [Problem(shown, _header_line(text, "Language"), f"Language: {exc}")]
    return catalog, []


def _header_line(text: str, name: str) -> int:
    """Return the line of a header field in a PO file's text (1 if it is not there)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'"{name}:'):
            return number
    return 1
