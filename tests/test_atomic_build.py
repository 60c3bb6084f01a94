"""A build that fails or is killed leaves the previous build/ as it was; two builds never interleave."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import BASE, tree_digest
from emcon.cli import main
from emcon.errors import BuildError
from emcon.writer import Staging, build_lock

MODULE = "content/modules/alpha.yaml"


def module(title: str, sections: int = 0) -> str:
    """Return the base module under another title, with more sections for a PDF whose layout takes a while."""
    text = (BASE / MODULE).read_text(encoding="utf-8").replace("title: Alpha lesson", f"title: {title}")
    body = "A phone talks to towers, and every tower it talks to hears it. " * 30
    extra = "".join(f"  - heading: Part {n}\n    body: {body}\n" for n in range(sections))
    return text.replace("key_points:", extra + "key_points:", 1)


def build(project: Path, *args: str):
    return CliRunner().invoke(main, ["build", "--project", str(project), *args])


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def test_a_build_killed_during_pdf_layout_leaves_the_previous_build_intact(project):
    (project / MODULE).write_text(module("First edition"), encoding="utf-8")
    assert build(project, "--only", "briefing-pdf").exit_code == 0
    before = tree_digest(project / "build")

    (project / MODULE).write_text(module("Second edition", sections=30), encoding="utf-8")  # some 20 pages
    command = [sys.executable, "-m", "emcon", "build", "--project", str(project), "--only", "briefing-pdf", "-j", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        staging = None
        while staging is None and process.poll() is None:  # the staging folder exists from layout to commit
            staging = next(project.glob(".build.staging-*"), None)
            time.sleep(0.005)
        assert staging is not None, "the build ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert staging.is_dir() and not (staging / "basic" / "briefing.pdf").exists()  # killed before the PDF was written
    assert tree_digest(project / "build") == before

    (project / MODULE).write_text(module("Third edition"), encoding="utf-8")
    result = build(project, "--only", "briefing-pdf")
    assert result.exit_code == 0, result.output
    assert not list(project.glob(".build.staging-*"))  # the killed build's leftovers are gone
    pages = PdfReader(project / "build/basic/briefing.pdf").pages
    assert "Third edition" in " ".join(page.extract_text() for page in pages)  # the cover and contents share page 1


def test_a_second_build_at_the_same_time_is_refused(project):
    assert build(project, "--only", "briefing-html").exit_code == 0
    before = tree_digest(project / "build")
    (project / MODULE).write_text(module("Changed"), encoding="utf-8")  # so the build has work to do
    out = (project / "build").resolve()
    with build_lock(out):
        result = build(project, "--only", "briefing-html")
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.stderr == f"error: another emcon build is writing {out}; wait for it to finish and try again\n"
    assert tree_digest(project / "build") == before
    assert build(project, "--only", "briefing-html").exit_code == 0  # the lock is free again


def test_a_build_that_fails_in_pdf_layout_leaves_the_previous_build_and_no_leftovers(project):
    assert build(project, "--only", "briefing-pdf").exit_code == 0
    before = tree_digest(project / "build")
    (project / "templates/css").mkdir(parents=True)
    (project / "templates/css/briefing.css").write_text("body { background: url(missing.png); }\n")
    result = build(project, "--only", "briefing-pdf")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: basic/briefing.pdf: PDF rendering failed: ")
    assert tree_digest(project / "build") == before
    assert not list(project.glob(".build.staging-*"))


def test_a_failed_swap_leaves_the_previous_build(project, monkeypatch):
    (project / "build").mkdir()
    (project / "build/old.txt").write_text("previous")
    staging = Staging(project / "build")
    staging.write("new.txt", b"next")

    def broken_exchange(a, b):
        raise OSError("disk gone")

    monkeypatch.setattr("emcon.writer._exchange", broken_exchange)
    with pytest.raises(BuildError, match="cannot write the build to .*: disk gone"):
        staging.commit()
    staging.discard()
    assert tree_digest(project / "build") == {"old.txt": hashlib.sha256(b"previous").hexdigest()}


def test_an_unwritable_output_folder_is_a_message_not_a_traceback(project):
    result = build(project, "--only", "briefing-html", "--out", "/proc/emcon-build")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: cannot write the build to /proc/emcon-build: ")


def test_a_build_killed_between_the_two_renames_of_a_swap_gets_its_previous_build_back(project):
    """Where folders cannot be exchanged at once, commit() renames twice; a kill in between is undone."""
    (project / "build/basic").mkdir(parents=True)
    (project / "build/basic/manifest.json").write_text("{}")
    os.rename(project / "build", project / ".build.staging-1-abcd-old")  # the first rename, then the kill
    Staging(project / "build").discard()
    assert (project / "build/basic/manifest.json").read_text() == "{}"
    assert not list(project.glob(".build.staging-*"))


def test_writing_a_reused_file_never_changes_the_previous_build(project):
    previous = project / "build" / "keep.txt"
    previous.parent.mkdir()
    previous.write_text("previous")
    staging = Staging(project / "build")
    staging.reuse("keep.txt", previous)  # a hard link, where the file system allows
    staging.write("keep.txt", b"overwritten")
    assert previous.read_text() == "previous"
    staging.discard()


def test_the_build_folder_is_readable_like_any_other(project):
    old = os.umask(0o022)
    try:
        assert build(project, "--only", "briefing-html").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / "build").stat().st_mode) == 0o755


@pytest.mark.parametrize("out", ["notes", "notes/more"])  # folders of project inputs: test_output_safety.py
def test_an_output_folder_that_is_not_a_build_is_never_replaced(out, project):
    (project / "notes/more").mkdir(parents=True)
    (project / "notes/more/todo.txt").write_text("precious")
    before = tree_digest(project.parent)
    result = build(project, "--only", "briefing-html", "--out", str(project / out))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr == (
        f"error: {(project / out).resolve()} holds files that are not an emcon build; a build replaces its whole "
        "output folder, so name a new or empty folder (or the build/ folder of an earlier build)\n"
    )
    assert tree_digest(project.parent) == before


def test_an_empty_folder_or_an_earlier_build_may_be_the_output(project):
    (project / "empty").mkdir()
    assert build(project, "--only", "briefing-html", "--out", str(project / "empty")).exit_code == 0
    assert build(project, "--only", "briefing-html", "--out", str(project / "empty")).exit_code == 0
    assert (project / "empty/basic/briefing.html").is_file()


def test_a_build_of_a_project_without_packs_can_be_built_again(project):
    shutil.rmtree(project / "content/packs")
    assert build(project, "--only", "briefing-html").exit_code == 0  # build/ holds no pack folder, only the stamp
    (project / "content/glossary.yaml").write_text((project / "content/glossary.yaml").read_text() + "\n")
    result = build(project, "--only", "briefing-html")
    assert result.exit_code == 0, result.output
