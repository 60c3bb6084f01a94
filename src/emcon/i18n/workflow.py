"""`emcon translate extract` and `emcon translate update LANG`: the files in content/locale/."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from babel.core import Locale, UnknownLocaleError

from ..errors import BuildError, ContentError
from ..writer import create_file, make_folders
from .catalog import LOCALE, TEMPLATE, build_template, catalog_bytes, merge, new_catalog, read_catalog
from .texts import content_texts

if TYPE_CHECKING:
    from ..project import Project

LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")  # as a pack's `language` is written


@dataclass(frozen=True)
class Counts:
    """What a catalog holds after an update."""

    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int


def extract(project: Project) -> tuple[Path, int]:
    """Write content/locale/messages.pot from the content; return its path and the number of entries."""
    template = build_template(content_texts(project))
    path = project.content_dir / LOCALE / TEMPLATE
    write_file(path, catalog_bytes(template))
    return path, len(template)


def update(content: Path, language: str, shown: str) -> tuple[Path, bool, Counts]:
    """Create or merge content/locale/LANGUAGE.po from the template; return its path, whether new, its counts."""
    locale = babel_locale(language)
    folder = content / LOCALE
    template, problems = read_catalog(content, TEMPLATE, f"{shown}/{TEMPLATE}")
    if template is None:
        if not (folder / TEMPLATE).exists():
            raise BuildError(f"{shown}/{TEMPLATE} not found: run `emcon translate extract` first")
        raise ContentError(problems)
    path = folder / f"{language}.po"
    created = not path.exists()
    if created:
        catalog = new_catalog(locale)
    else:
        catalog, problems = read_catalog(content, path.name, f"{shown}/{path.name}")
        if catalog is None:
            raise ContentError(problems)
    merge(catalog, template)
    write_file(path, catalog_bytes(catalog))
    return path, created, counts(catalog)


def babel_locale(language: str) -> str:
    """Return Babel's name for a pack's language (pt-BR: pt_BR); refuse one it does not know."""
    if not LANGUAGE.match(language):
        raise BuildError(f"'{language}' is not a language code like 'uk' or 'pt-BR' (as a pack's `language`)")
    name = language.replace("-", "_")
    try:
        Locale.parse(name)
    except UnknownLocaleError:
        raise BuildError(f"'{language}' is not a language Babel knows") from None
    return name


def counts(catalog) -> Counts:
    """Return how many entries are translated, fuzzy, untranslated, and kept as obsolete."""
    messages = [m for m in catalog if m.id]
    fuzzy = sum(bool(m.string) and m.fuzzy for m in messages)
    translated = sum(bool(m.string) and not m.fuzzy for m in messages)
    return Counts(translated, fuzzy, len(messages) - translated - fuzzy, len(catalog.obsolete))


def write_file(path: Path, data: bytes) -> None:
    """Write a catalog whole or not at all, never through a link (a shipped project may plant one)."""
    content = path.parent.parent
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        make_folders(content, PurePosixPath(LOCALE))  # content/locale a link out of the project is refused
        if os.path.lexists(temporary):
            os.unlink(temporary)  # an interrupted write's leftover, or a planted link: removed, never followed
        create_file(temporary, data)
        os.replace(temporary, path)  # a link at path is replaced, not written through
    except OSError as exc:
        in_the_way = exc.errno in (errno.ENOTDIR, errno.ELOOP)
        reason = "a link or something not a folder is in the way" if in_the_way else exc.strerror
        raise BuildError(f"cannot write {path}: {reason}") from None
