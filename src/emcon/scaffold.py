"""Start new content: a module or pack skeleton (`emcon new module|pack`) or a curriculum (`emcon init`)."""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path, PurePosixPath
from string import Template

import click

from .errors import ContentError
from .model import ID_MAX, ID_PATTERN
from .project import CONTENT, load_project, shown_path
from .schema import write_schemas
from .writer import create_file, make_folders

SKELETONS = files("emcon") / "skeletons"
RENAMED = {"gitignore": ".gitignore"}  # dotfiles travel badly as package data
FALLBACK_AUDIENCE = "learners"  # a skeleton's audience in a curriculum that declares and uses none yet


def new_module(root: Path, ident: str, title: str | None) -> Path:
    """Write content/modules/<ident>.yaml from the commented skeleton; return its path."""
    project = _project_for(root, ident)
    path = _free_path(root, "modules", ident)
    audiences = _audiences(project)
    fields = {
        "id": ident,
        "title": json.dumps(title or _title_from(ident), ensure_ascii=False),
        "audience": audiences[0],
        "audiences_known": f" ({', '.join(audiences)} in this curriculum)" if len(audiences) > 1 else "",
    }
    source = next(iter(project.curriculum.sources), None)  # the skeleton's quiz item cites it
    quiz = "module-quiz.yaml" if source else "module-noquiz.yaml"
    fields["quiz"] = _fill(quiz, id=ident, source=source or "")
    _write_skeleton(root, "modules", path, _fill("module.yaml", **fields))
    return path


def new_pack(root: Path, ident: str, title: str | None, today: datetime.date) -> Path:
    """Write content/packs/<ident>.yaml, teaching every module of the curriculum, from the skeleton; return its path."""
    project = _project_for(root, ident)
    path = _free_path(root, "packs", ident)
    cur = project.curriculum
    if not cur.modules:
        message = "a pack teaches modules, and there are none yet: write one with `emcon new module ID`"
        raise click.ClickException(message)
    audience = _audiences(project)[0]
    taught = sorted(m.id for m in cur.modules.values() if audience in m.audience) or sorted(cur.modules)
    modules = [cur.modules[m].for_audience(audience) for m in taught]
    items = sum(len(m.quiz) for m in modules)
    quiz_minutes = 10 if items else 0  # a pack whose modules hold no item prints no quiz
    fields = {
        "id": ident,
        "title": json.dumps(title or _title_from(ident), ensure_ascii=False),
        "audience": audience,
        "minutes": str(OPENING + sum(m.minutes for m in modules) + CLOSING + quiz_minutes),
        "date": today.isoformat(),
        "modules": ", ".join(taught),
        "questions": str(min(max(items, 1), 10)),
    }
    _write_skeleton(root, "packs", path, _fill("pack.yaml", **fields))
    return path


OPENING, CLOSING = 2, 3  # the minutes of the pack skeleton's opening and closing steps


def _project_for(root: Path, ident: str):
    """Return the loaded project to add ident to; refuse a bad id or a project that cannot be read."""
    if not re.match(ID_PATTERN, ident) or len(ident) > ID_MAX:
        message = f"{ident!r} is not a valid id: use lowercase letters, digits and hyphens"
        raise click.BadParameter(message, param_hint="ID")
    project, problems = load_project(root)
    if project is None:
        raise ContentError(problems)
    return project


def _free_path(root: Path, folder: str, ident: str) -> Path:
    path = root / CONTENT / folder / f"{ident}.yaml"
    if os.path.lexists(path):
        raise click.ClickException(f"{shown_path(path)} already exists; choose another id or edit that file")
    return path


def _audiences(project) -> list[str]:
    """Return the audience ids of this curriculum: declared in emcon.yaml, else used, most used first."""
    cur = project.curriculum
    used = Counter(p.audience for p in cur.packs.values())
    used.update(a for m in cur.modules.values() for a in m.audience)
    declared = list(project.settings.audiences)
    return declared + [a for a, _ in used.most_common() if a not in declared] or [FALLBACK_AUDIENCE]


def _write_skeleton(root: Path, folder: str, path: Path, text: str) -> None:
    with _writing(path):
        write_schemas(root)  # first: a refused .emcon/ leaves no file behind
        make_folders(root, PurePosixPath(CONTENT, folder))  # real folders of the project, no link out of it
        create_file(path, text.encode())  # a new file, never through a link


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn the file system's refusal to write under path into a message for the user."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError) or exc.errno == errno.ELOOP:  # a file or a link where a file goes
            reason = "something is already there (emcon does not write through links or over files)"
        raise click.ClickException(f"cannot write {shown_path(Path(exc.filename or path))}: {reason}") from None


def _title_from(ident: str) -> str:
    return ident.replace("-", " ").capitalize()


def _fill(name: str, **fields: str) -> str:
    return Template((SKELETONS / name).read_text(encoding="utf-8")).substitute(fields).rstrip("\n") + "\n"


def init_project(folder: Path) -> list[Path]:
    """Write a new curriculum into folder: the example module, its two packs and their files; return the files."""
    if folder.is_symlink():
        raise click.ClickException(f"{shown_path(folder)} is a symbolic link; name a new folder for emcon init")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise click.ClickException(f"{shown_path(folder)} is not an empty folder; emcon init only starts new ones")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create {shown_path(folder)}: {exc.strerror or exc}") from None
    with _writing(folder):
        return sorted(_copy_tree(SKELETONS / "init", folder)) + write_schemas(folder)


def _copy_tree(source, target: Path) -> list[Path]:
    """Copy a package-data folder into the new folder target (no file there yet); return the files written."""
    written = []
    for entry in source.iterdir():
        destination = target / RENAMED.get(entry.name, entry.name)
        if entry.is_dir():
            os.mkdir(destination)
            written += _copy_tree(entry, destination)
        else:
            create_file(destination, entry.read_bytes())
            written.append(destination)
    return written
