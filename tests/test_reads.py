"""What a build reads: nothing outside the project and the theme, and no name it cannot print."""

from __future__ import annotations

import contextlib
import os

from click.testing import CliRunner

from audit import outside, traced
from conftest import FEW_ITEMS, QUIZ_LINE, tree_digest
from emcon.cli import main
from emcon.fingerprint import inputs_digest, pack_digest
from emcon.theme import default_theme_dir


def test_the_fingerprint_reads_nothing_outside_the_project(project, tmp_path):
    away = tmp_path / "away"
    (away / "folder").mkdir(parents=True)
    (away / "big.bin").write_bytes(b"\0" * (1 << 20))  # as good as a 3 GB sparse file, and quicker
    (away / "folder/inside.yaml").write_text("id: x\n")
    os.symlink(away / "big.bin", project / "content/big.bin")
    os.symlink(away / "folder", project / "content/modules/folder")
    os.symlink(away / "big.bin", project / "content/modules/gamma.yaml")
    (project / "content/figures").mkdir()
    (project / "content/figures/kept.png").write_bytes(b"inside")
    os.symlink(project / "content/figures/kept.png", project / "content/linked-inside.png")
    theme = default_theme_dir()
    with traced() as trace:
        first = inputs_digest(project, theme, {})
        pack_digest(project.resolve(), theme, {}, ["basic"], ["alpha", "gamma"])
    assert outside(trace.paths("read") | trace.paths("write"), [project, theme]) == []
    assert str((project / "content/figures/kept.png").resolve()) in trace.paths("read")  # a link inside is read
    (away / "big.bin").write_bytes(b"\1")  # what a link out points to is not part of the fingerprint
    assert inputs_digest(project, theme, {}) == first
    os.unlink(project / "content/big.bin")
    os.symlink(away / "folder", project / "content/big.bin")  # where it points is
    assert inputs_digest(project, theme, {}) != first


def test_a_content_link_out_of_the_project_is_an_error_and_reads_nothing(project, tmp_path):
    (tmp_path / "away.yaml").write_text("id: gamma\n")
    os.symlink(tmp_path / "away.yaml", project / "content/modules/gamma.yaml")
    before = tree_digest(project / "build")
    with traced() as trace, contextlib.chdir(project):
        result = CliRunner().invoke(main, ["build", "--only", "briefing-html"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert str((tmp_path / "away.yaml").resolve()) not in trace.paths("read")
    assert tree_digest(project / "build") == before


def test_a_file_name_that_is_not_utf8_is_a_clean_error(project):
    os.mkdir(project / os.fsdecode(b"content/fig\xff"))
    (project / os.fsdecode(b"content/modules/caf\xe9.yaml")).write_text("id: cafe\n")
    before = tree_digest(project / "build")
    with contextlib.chdir(project):
        for command in (["build", "--only", "briefing-html"], ["check"]):
            result = CliRunner().invoke(main, command)
            assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
            assert result.stderr.splitlines() == [
                "content/fig\\xff:1: the file name is not valid UTF-8; rename it",
                f"content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
                "content/modules/caf\\xe9.yaml:1: the file name is not valid UTF-8; rename it",
                "2 errors, 1 warning",  # and the warning that the module has 2 quiz items of the 6 asked for
            ]
    assert tree_digest(project / "build") == before


def test_the_fingerprint_hashes_a_large_file_without_holding_it(project):
    import tracemalloc

    with open(project / "content/large.bin", "wb") as file:
        file.truncate(64 << 20)  # sparse: 64 MB that take no disk
    tracemalloc.start()
    try:
        inputs_digest(project, default_theme_dir(), {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak
