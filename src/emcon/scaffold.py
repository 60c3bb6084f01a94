"""Start new content: a module skeleton (`emcon new module`) or a curriculum (`emcon init`)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
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


def new_module(root: Path, ident: str, title: str | None) -> Path:
    """Write content/modules/<ident>.yaml from the commented skeleton; return its path."""
    if not re.match(ID_PATTERN, ident) or len(ident) > ID_MAX:
        message = f"{ident!r} is not a valid id: use lowercase letters, digits and hyphens"
        raise click.BadParameter(message, param_hint="ID")
    project, problems = load_project(root)
    if project is None:
        raise ContentError(problems)
    path = root / CONTENT / "modules" / f"{ident}.yaml"
    if os.path.lexists(path):
        raise click.ClickException(f"{shown_path(path)} already exists; choose another id or edit that file")
    fields = {"id": ident, "title": json.dumps(title or _title_from(ident), ensure_ascii=False)}
    source = next(iter(project.curriculum.sources), None)  # the skeleton's quiz item cites it
    quiz = "module-quiz.yaml" if source else "module-noquiz.yaml"
    fields["quiz"] = _fill(quiz, id=ident, source=source or "")
    with _writing(path):
        write_schemas(root)  # first: a refused .emcon/ leaves no module behind
        make_folders(root, PurePosixPath(CONTENT, "modules"))  # real folders of the project, no link out of it
        create_file(path, _fill("module.yaml", **fields).encode())  # a new file, never through a link
    return path


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
    """Write a new curriculum with one example module and pack into folder; return the files."""
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
