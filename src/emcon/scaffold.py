"""Start new content: a module skeleton (`emcon new module`) or a curriculum (`emcon init`)."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from string import Template

import click

from .errors import ContentError
from .model import ID_MAX, ID_PATTERN
from .project import CONTENT, load_project, shown_path
from .schema import write_schemas

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
    if path.exists():
        raise click.ClickException(f"{shown_path(path)} already exists; choose another id or edit that file")
    fields = {"id": ident, "title": json.dumps(title or _title_from(ident), ensure_ascii=False)}
    source = next(iter(project.curriculum.sources), None)  # the skeleton's quiz item cites it
    quiz = "module-quiz.yaml" if source else "module-noquiz.yaml"
    fields["quiz"] = _fill(quiz, id=ident, source=source or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_fill("module.yaml", **fields), encoding="utf-8")
    write_schemas(root)
    return path


def _title_from(ident: str) -> str:
    return ident.replace("-", " ").capitalize()


def _fill(name: str, **fields: str) -> str:
    return Template((SKELETONS / name).read_text(encoding="utf-8")).substitute(fields).rstrip("\n") + "\n"


def init_project(folder: Path) -> list[Path]:
    """Write a new curriculum with one example module and pack into folder; return the files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise click.ClickException(f"{shown_path(folder)} is not an empty folder; emcon init only starts new ones")
    folder.mkdir(parents=True, exist_ok=True)
    return sorted(_copy_tree(SKELETONS / "init", folder)) + write_schemas(folder)


def _copy_tree(source, target: Path) -> list[Path]:
    """Copy a package-data folder into target; return the files written."""
    written = []
    for entry in source.iterdir():
        destination = target / RENAMED.get(entry.name, entry.name)
        if entry.is_dir():
            destination.mkdir(exist_ok=True)
            written += _copy_tree(entry, destination)
        else:
            destination.write_bytes(entry.read_bytes())
            written.append(destination)
    return written
