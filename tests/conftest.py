"""Shared fixtures: tiny curricula written into tmp_path, and the default one."""

from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from emcon.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# The source articles stay outside the repository (they are not ours to publish): CI has them in ../shared.
SOURCES_DIR = SHARED / "sources"
needs_sources = pytest.mark.skipif(
    not SOURCES_DIR.is_dir(), reason="needs the source articles in ../shared/sources (not in the repository)"
)
BASE = Path(__file__).parent / "bad" / "_base"  # a small valid project the reliability tests break

MODULE = """\
id: alpha
title: Alpha lesson
summary: What alpha teaches.
audience: [soldier]
minutes: 5
objectives:
  - id: explain-alpha
    action: Explain why a phone emits
    condition: Given a phone
    standard: Names one way it emits
    bloom: understand
sections:
  - heading: Why
    body: |
      A phone talks to towers.

      It does so even when nobody calls: it tells the network where it is, apps send
      and receive data in the background, and Wi-Fi and Bluetooth search for partners
      when they are on. Each of these is a radio signal that leaves the phone and can
      be picked up by anyone listening on the right frequency. A group of phones in one
      place makes a stronger signal than one phone alone, and a phone that appears where
      no phone used to be stands out. Switching the phone off, or leaving it behind,
      is the only sure way to stop it from emitting. Flight mode helps, but only if it
      is really on and nothing else is switched back on later. The habit matters more
      than the rule: people who know the danger still reach for the phone without
      thinking, so the check that the phone is off should be as routine as checking
      your kit before you move out.
key_points: [Phones emit.]
rules:
  do: [Switch it off.]
  dont: [Gather at signal spots.]
quotes:
  - text: every time you press a button
    speaker: Someone
    source: src
steps:
  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}
glossary: [emcon]
quiz:
  - {id: a-1, type: true-false, objective: explain-alpha, prompt: Phones emit., answer: true, explanation: They do (src)., source: src}
  - {id: a-2, type: single, objective: explain-alpha, prompt: Pick one., choices: [Switch off, Keep on], answer: a, explanation: Yes (src)., source: src}
"""

PACK = """\
id: basic
title: Basic pack
audience: soldier
minutes: 6
date: 2026-01-02
modules: [alpha]
quiz: {questions: 2, forms: 2, seed: 7, minutes: 1}
"""

SOURCES = """\
- id: src
  title: A source
  publisher: A publisher
  date: 2023-01-04
  reliability: Reported journalism.
  file: src.txt
"""

GLOSSARY = """\
- id: emcon
  term: EMCON
  expansion: emission control
  definition: Limiting what you transmit.
"""

MINIMAL = {
    "content/modules/alpha.yaml": MODULE,
    "content/packs/basic.yaml": PACK,
    "content/sources.yaml": SOURCES,
    "content/glossary.yaml": GLOSSARY,
}


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line where needle first appears in text."""
    return text[: text.index(needle)].count("\n") + 1


# A figure with words in it, for the tests of translating a figure's words.
TOWERS_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
    "  <title>Two towers</title>\n"
    '  <text x="1" y="1">left tower</text>\n'
    '  <text x="5" y="1">right tower</text>\n'
    "</svg>\n"
)


# check's warning on the minimal module, which holds 2 quiz items where docs/content.md asks for 6
FEW_ITEMS = (
    "quiz: 2 items; a module needs at least 6 that together assess every objective (docs/content.md): add 4 more"
)
QUIZ_LINE = line_of(MODULE, "\nquiz:") + 1


def flat(text: str) -> str:
    """Collapse whitespace, so line breaks in a PDF or in YAML do not matter."""
    return " ".join(text.split())


@pytest.fixture
def make_project(tmp_path):
    """Write a tiny curriculum into tmp_path; files given override or add to the minimal one."""

    def make(files: dict[str, str | bytes] | None = None, base: dict | None = None) -> Path:
        for rel, text in {**(MINIMAL if base is None else base), **(files or {})}.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def run():
    """Run the emcon CLI in-process; return the click Result."""

    def invoke(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def default_build(tmp_path_factory):
    """Build the default curriculum once per test session; return the build folder."""
    out = tmp_path_factory.mktemp("default") / "build"
    result = CliRunner().invoke(main, ["build", "--project", str(REPO), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def tree_digest(folder: Path) -> dict[str, str]:
    """Return every path under folder with the sha256 of its bytes (a link: its target), to show it unchanged."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            digest[rel] = "dir"
        else:
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


@pytest.fixture(scope="session")
def built_base(tmp_path_factory) -> Path:
    """Return the base project of tests/bad/ with an HTML build in it, built once."""
    project = tmp_path_factory.mktemp("base") / "project"
    shutil.copytree(BASE, project)
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--only", "briefing-html"])
    assert result.exit_code == 0, result.output
    assert (project / "build" / "basic" / "briefing.html").is_file()
    return project


@pytest.fixture
def project(built_base, tmp_path) -> Path:
    """Return a copy of the built base project, for one test to change."""
    copy = tmp_path / "project"
    shutil.copytree(built_base, copy, symlinks=True)
    return copy


def needs(tool: str, why: str) -> None:
    """Skip a test whose outside tool is missing on a developer's machine; in CI (CI set), fail instead."""
    message = f"{tool} is missing: {why}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def letter_build(tmp_path_factory):
    """Build the default curriculum with every pack at US Letter, once per session; return the build folder."""
    project = tmp_path_factory.mktemp("letter") / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "emcon.yaml", project / "emcon.yaml")  # its audiences and markings
    for pack in (project / "content" / "packs").glob("*.yaml"):
        lines = [line for line in pack.read_text(encoding="utf-8").splitlines() if not line.startswith("page_size:")]
        pack.write_text("\n".join([*lines, "page_size: Letter", ""]), encoding="utf-8")
    out = project / "build"
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out
