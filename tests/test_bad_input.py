"""Bad input: each case fails with its exact messages, exit 1, no traceback, and the earlier build untouched.

Every folder tests/bad/<case>/ holds files laid over the small project in tests/bad/_base/,
and expected.txt: the error lines emcon prints, paths relative to the project.
Warnings are left out of the comparison (they are other checks' business).
After a deliberate change of wording, refresh the expected files with
    EMCON_BLESS=1 pytest tests/test_bad_input.py
and read the diff before committing it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BASE, tree_digest
from emcon import loader
from emcon.cli import main
from emcon.project import load_project

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_"))
BUILD_ARGS = ("build", "--only", "briefing-html")


def run_in(project: Path, *args: str):
    """Run the CLI with the project as working folder, as an author would; return the click Result."""
    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(args))


def error_lines(result) -> list[str]:
    """Return what emcon printed on stderr, without warnings and the closing count."""
    lines = result.stderr.splitlines()
    return [line for line in lines if ": warning: " not in line and not line.endswith(("warning", "warnings"))]


def assert_refused(result, built: Path, before: dict[str, str]) -> None:
    """A bad-input failure: exit 1, a message and no traceback, the earlier build as it was."""
    assert isinstance(result.exception, SystemExit), f"uncaught {result.exception!r}"  # else: a traceback
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert tree_digest(built) == before
    assert not list(built.parent.glob(".build.staging-*"))


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    for case in CASES:
        assert (BAD / case / "expected.txt").is_file(), f"{case} has no expected.txt"


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case, project):
    before = tree_digest(project / "build")
    overlay = shutil.ignore_patterns("expected.txt")
    shutil.copytree(BAD / case, project, symlinks=True, dirs_exist_ok=True, ignore=overlay)
    result = run_in(project, *BUILD_ARGS)
    expected_file = BAD / case / "expected.txt"
    if os.environ.get("EMCON_BLESS"):
        expected_file.write_text("".join(line + "\n" for line in error_lines(result)), encoding="utf-8")
        pytest.skip("expected.txt rewritten: read the diff before committing it")  # never green while blessing
    assert_refused(result, project / "build", before)
    assert error_lines(result) == expected_file.read_text(encoding="utf-8").splitlines()


def test_python_tag_runs_nothing(project):
    (project / "content/modules/alpha.yaml").write_text("title: !!python/object/apply:os.remove [victim]\n")
    (project / "victim").write_text("still here")
    result = run_in(project, "check")
    assert result.exit_code == 1 and "tag !!python/object/apply:os.remove is not allowed" in result.output, (
        result.output
    )
    assert (project / "victim").read_text() == "still here"


def test_the_real_command_prints_messages_not_a_traceback(project):
    """The same as the corpus, through a real process: what an author sees in a terminal."""
    shutil.copytree(BAD / "python-tag", project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    done = subprocess.run([sys.executable, "-m", "emcon", "check"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines()[0] == (BAD / "python-tag/expected.txt").read_text().splitlines()[0]


def test_a_pipe_named_like_a_module_is_refused_not_waited_on(project):
    before = tree_digest(project / "build")
    os.mkfifo(project / "content/modules/beta.yaml")
    result = run_in(project, *BUILD_ARGS)
    assert_refused(result, project / "build", before)
    assert error_lines(result) == [
        "content/modules/beta.yaml:1: is not a plain file (a folder, a broken link or a pipe?); "
        "content is read from plain YAML files"
    ]


def test_local_copies_of_sources_are_read_as_utf8_from_the_sources_folder_only(project):
    (project / "copies").mkdir()
    (project / "copies/src.txt").write_bytes("every time you press a button, caf\xe9".encode("latin-1"))
    result = run_in(project, "check", "--sources", "copies")
    assert error_lines(result) == [
        "content/sources.yaml:6: file: copies/src.txt: byte 0xe9 is not valid UTF-8; save the file as UTF-8"
    ]
    sources = project / "content/sources.yaml"
    sources.write_text(sources.read_text().replace("file: src.txt", "file: ../content/glossary.yaml"))
    result = run_in(project, "check", "--sources", "copies")
    assert error_lines(result) == [
        "content/sources.yaml:6: source 'src': local copy ../content/glossary.yaml not found in copies"
    ]


def test_oversized_file_is_refused(project):
    before = tree_digest(project / "build")
    big = "id: alpha\nsummary: |\n" + "  All work and no play.\n" * 50_000
    (project / "content/modules/alpha.yaml").write_text(big, encoding="utf-8")
    result = run_in(project, *BUILD_ARGS)
    assert_refused(result, project / "build", before)
    assert error_lines(result) == ["content/modules/alpha.yaml:1: file is 1,200,021 bytes; the limit is 1,000,000"]


def test_nesting_beyond_the_parser_is_refused(project):
    before = tree_digest(project / "build")
    (project / "content/modules/alpha.yaml").write_text("id: alpha\nkey_points: " + "[" * 100_000 + "]" * 100_000)
    result = run_in(project, *BUILD_ARGS)
    assert_refused(result, project / "build", before)
    assert error_lines(result) == ["content/modules/alpha.yaml:1: nesting is too deep; at most 60 levels are allowed"]


def test_billion_laughs_is_refused_without_eating_memory(tmp_path):
    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    shutil.copy(BAD / "billion-laughs/content/modules/alpha.yaml", tmp_path / "content/modules/alpha.yaml")
    tracemalloc.start()
    try:
        _, problems = load_project(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert any("expands to more than 100,000 values" in p.message for p in problems)
    assert peak < 100 * 2**20  # fully expanded, the document would hold 387 million strings


def test_bom_and_crlf_are_accepted(project):
    module = project / "content/modules/alpha.yaml"
    text = module.read_text(encoding="utf-8")
    module.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = run_in(project, "check")
    assert result.exit_code == 0, result.output
    # Lines still count right in such a file.
    module.write_bytes(b"\xef\xbb\xbf" + text.replace("minutes: 5\n", "minutes: 0\n", 1).replace("\n", "\r\n").encode())
    result = run_in(project, "check")
    assert error_lines(result) == ["content/modules/alpha.yaml:5: minutes: must be at least 1, got 0"]


def test_every_problem_is_reported_at_once(project):
    module = project / "content/modules/alpha.yaml"
    text = module.read_text(encoding="utf-8").replace("minutes: 5\n", "minutes: 0\n", 1)
    module.write_text(text.replace("bloom: understand", "bloom: memorize"), encoding="utf-8")
    (project / "content/glossary.yaml").write_text("- id: emcon\n  term: EMCON\n  term: again\n  definition: x\n")
    result = run_in(project, "check")
    assert error_lines(result) == [
        "content/glossary.yaml:3: [0].term: duplicate key (first at line 2)",
        "content/modules/alpha.yaml:5: minutes: must be at least 1, got 0",
        "content/modules/alpha.yaml:11: objectives[0].bloom: 'memorize' is not one of "
        "'remember', 'understand', 'apply', 'analyze', 'evaluate' or 'create'",
    ]


def test_loader_limits_are_what_the_messages_say():
    assert (loader.MAX_BYTES, loader.MAX_NODES, loader.MAX_DEPTH) == (1_000_000, 100_000, 60)
