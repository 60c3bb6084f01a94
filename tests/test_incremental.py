"""Incremental and parallel builds: nothing changed renders nothing; an edit renders what depends on it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MODULE, PACK, tree_digest
from emcon.build import build
from emcon.cli import main
from emcon.outputs import PdfJob
from emcon.project import load_project
from emcon.theme import default_theme_dir

BRIEFING = {"briefing-pdf"}
BETA = MODULE.replace("alpha", "beta").replace("a-1", "b-1").replace("a-2", "b-2")


def pack(ident: str, modules: list[str]) -> str:
    """Return a pack of the given modules (five minutes each)."""
    text = PACK.replace("id: basic", f"id: {ident}").replace("minutes: 6", f"minutes: {5 * len(modules) + 1}")
    return text.replace("modules: [alpha]", f"modules: [{', '.join(modules)}]")


# alpha alone, both, beta alone: an edit of beta must reach "both" and "beta" and not "alpha".
THREE_PACKS = {
    "content/modules/beta.yaml": BETA,
    "content/packs/basic.yaml": pack("basic", ["alpha"]),
    "content/packs/both.yaml": pack("both", ["alpha", "beta"]),
    "content/packs/second.yaml": pack("second", ["beta"]),
}


def rebuild(root: Path, out: Path, only: set[str] | None = BRIEFING, jobs: int = 1):
    """Load the project as it is now and build it into out."""
    project, problems = load_project(root)
    assert project is not None and not [p for p in problems if p.severity == "error"], problems
    return build(project, out, only=only, jobs=jobs)


def pdfs_with(out: Path, pack_ids: list[str]) -> set[str]:
    """Return the PDFs that the manifests of the given packs list."""
    found = set()
    for pack_id in pack_ids:
        manifest = json.loads((out / pack_id / "manifest.json").read_text(encoding="utf-8"))
        found |= {f"{pack_id}/{e['path']}" for e in manifest["outputs"] if e["path"].endswith(".pdf")}
    return found


def edit_beta(root: Path) -> None:
    path = root / "content/modules/beta.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("A phone talks to towers.", "A phone calls towers."))


def test_a_rebuild_with_nothing_changed_renders_nothing_and_keeps_every_byte(make_project, tmp_path):
    root, out = make_project(THREE_PACKS), tmp_path / "out"
    first = rebuild(root, out)
    assert sorted(first.rendered) == ["basic/briefing.pdf", "both/briefing.pdf", "second/briefing.pdf"]
    before = tree_digest(out)
    second = rebuild(root, out)
    assert second.rendered == []
    assert sorted(second.unchanged) == sorted(first.rendered)
    assert tree_digest(out) == before


def test_editing_one_module_renders_exactly_the_packs_that_include_it(make_project, tmp_path):
    root, out = make_project(THREE_PACKS), tmp_path / "out"
    rebuild(root, out)
    before = tree_digest(out)
    edit_beta(root)
    report = rebuild(root, out)
    assert sorted(report.rendered) == ["both/briefing.pdf", "second/briefing.pdf"]
    assert report.unchanged == ["basic/briefing.pdf"]
    assert tree_digest(out)["basic/briefing.pdf"] == before["basic/briefing.pdf"]
    assert tree_digest(out)["both/briefing.pdf"] != before["both/briefing.pdf"]


def test_with_every_kind_an_edit_renders_only_pdfs_of_the_packs_that_include_the_module(make_project, tmp_path):
    # Whatever kinds the renderers make: none of alpha's pack is laid out again; beta's briefings are.
    root, out = make_project(THREE_PACKS), tmp_path / "out"
    rebuild(root, out, only=None, jobs=2)
    edit_beta(root)
    report = rebuild(root, out, only=None, jobs=2)
    assert set(report.rendered) <= pdfs_with(out, ["both", "second"])
    assert {"both/briefing.pdf", "second/briefing.pdf"} <= set(report.rendered)
    assert pdfs_with(out, ["basic"]) <= set(report.unchanged)


# A project's own briefing template, whole: an edit to it must reach the HTML.
BRIEFING_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ pack.title }}</title>
{{ links.stylesheet("css/print.css") }}{{ links.stylesheet("css/briefing.css") }}</head>
<body><h1>{{ t.contents }}: {{ pack.title }}</h1></body>
</html>
"""


@pytest.mark.parametrize("edit", ["css", "imported-css", "strings", "template"])
def test_editing_the_theme_renders_the_pdfs_again(make_project, tmp_path, edit):
    css = (default_theme_dir() / "css/briefing.css").read_text(encoding="utf-8")
    root = make_project(
        {
            "templates/css/briefing.css": '@import "extra.css";\n' + css,
            "templates/css/extra.css": "h1 { letter-spacing: 0; }\n",
            "templates/strings/en.yaml": "contents: Contents\n",
            "templates/briefing.html": BRIEFING_TEMPLATE,
        }
    )
    out = tmp_path / "out"
    rebuild(root, out)
    path, text = {
        "css": ("templates/css/briefing.css", '@import "extra.css";\n' + css + "\nh2 { letter-spacing: 0.01em; }\n"),
        "imported-css": ("templates/css/extra.css", "h1 { letter-spacing: 0.01em; }\n"),
        "strings": ("templates/strings/en.yaml", "contents: Table of contents\n"),
        "template": ("templates/briefing.html", BRIEFING_TEMPLATE.replace("</h1>", "</h1><p>Edited.</p>")),
    }[edit]
    (root / path).write_text(text, encoding="utf-8")
    assert rebuild(root, out).rendered == ["basic/briefing.pdf"]


def test_a_pdf_key_covers_its_html_and_the_bytes_of_every_file_it_reads(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(b"font one")
    job = PdfJob.of("<p>x</p>", "file:///", (tmp_path,), (font,))
    key = job.key()
    assert PdfJob.of("<p>x</p>", "file:///", (tmp_path,), (font,)).key() == key
    assert PdfJob.of("<p>y</p>", "file:///", (tmp_path,), (font,)).key() != key
    font.write_bytes(b"font two, longer")
    assert job.key() != key


def test_two_fresh_builds_with_one_and_two_workers_give_the_same_bytes(make_project, tmp_path):
    root = make_project(THREE_PACKS)
    one = rebuild(root, tmp_path / "one", jobs=1)
    two = rebuild(root, tmp_path / "two", jobs=2)
    assert len(one.rendered) == len(two.rendered) == 3
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


NOOP = textwrap.dedent("""\
    import sys
    from emcon.cli import main
    try:
        main(["build", "--project", sys.argv[1], "--only", "briefing-pdf"])
    except SystemExit as exit:
        assert exit.code == 0, exit.code
    print("weasyprint loaded:", "weasyprint" in sys.modules)
""")


def run_build_process(root: Path) -> str:
    """Build in a new process; return its output, which tells whether WeasyPrint was imported."""
    done = subprocess.run([sys.executable, "-c", NOOP, str(root)], capture_output=True, text=True, check=True)
    return done.stdout


def test_a_rebuild_with_nothing_changed_does_not_load_weasyprint(make_project):
    root = make_project()
    first = run_build_process(root)
    assert "built 1 PDF, 0 unchanged" in first and "weasyprint loaded: True" in first
    again = run_build_process(root)
    assert "built 0 PDFs, 1 unchanged" in again and "(nothing changed)" in again
    assert "weasyprint loaded: False" in again


def test_an_edit_that_changes_no_pdf_loads_no_weasyprint(make_project):
    root = make_project()
    run_build_process(root)
    module = root / "content/modules/alpha.yaml"
    module.write_text(module.read_text(encoding="utf-8") + "# a comment changes no output\n", encoding="utf-8")
    again = run_build_process(root)
    assert "built 0 PDFs, 1 unchanged" in again and "(nothing changed)" not in again
    assert "weasyprint loaded: False" in again


def test_a_deleted_output_is_built_again(make_project, run):
    root = make_project()
    assert run("build", "--project", root, "--only", "briefing-pdf").exit_code == 0
    (root / "build/basic/briefing.pdf").unlink()
    result = run("build", "--project", root, "--only", "briefing-pdf")
    assert "built 1 PDF, 0 unchanged" in result.output
    assert (root / "build/basic/briefing.pdf").is_file()


def test_other_options_are_not_taken_for_nothing_changed(make_project, run):
    root = make_project()
    assert run("build", "--project", root, "--only", "briefing-pdf").exit_code == 0
    result = run("build", "--project", root, "--only", "briefing-pdf", "--only", "briefing-html")
    assert "(nothing changed)" not in result.output
    assert "built 0 PDFs, 1 unchanged" in result.output


def test_progress_comes_line_by_line_into_a_pipe_and_the_last_line_names_the_landing_page(make_project):
    root = make_project(THREE_PACKS)
    command = [sys.executable, "-m", "emcon", "build", "--only", "briefing-pdf", "-j", "1"]
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as build:
        first = build.stderr.readline()
        read_at = time.monotonic()
        rest, _ = build.stderr.read(), build.wait()
        finished_at = time.monotonic()
        stdout = build.stdout.read()
    assert build.returncode == 0, first + rest
    # Two more PDFs were laid out after the first line arrived: it was flushed, not held until the end.
    assert finished_at - read_at > 0.3
    lines = (first + rest).splitlines()
    pdfs = [re.fullmatch(r"\[(\d)/3\] (\S+): (\d+) pages?, \d+\.\ds", line) for line in lines[:3]]
    assert all(pdfs), lines
    assert [m[1] for m in pdfs] == ["1", "2", "3"]
    assert sorted(m[2] for m in pdfs) == ["basic/briefing.pdf", "both/briefing.pdf", "second/briefing.pdf"]
    packs = [re.fullmatch(r"pack (\S+): 1 file, (\d+) pages?, \d+\.\ds", line) for line in lines[3:]]
    assert all(packs) and [m[1] for m in packs] == ["basic", "both", "second"], lines
    pages = sum(int(m[3]) for m in pdfs)
    assert sum(int(m[2]) for m in packs) == pages
    summary, landing = stdout.splitlines()
    assert re.fullmatch(rf"built 3 PDFs, 0 unchanged, 3 files, {pages} pages in \d+\.\ds -> build", summary)
    assert landing == "open build/index.html: the landing page, per pack for learners, the instructor and the LMS"


def test_one_pdf_and_one_file_are_singular(make_project, run):
    root = make_project({"content/packs/basic.yaml": PACK})
    result = run("build", "--project", root, "--only", "briefing-pdf", "--out", root / "out")
    assert re.match(r"built 1 PDF, 0 unchanged, 1 file, \d+ pages in ", result.stdout), result.stdout
    assert re.search(r"^pack basic: 1 file, \d+ pages, ", result.stderr, re.M), result.stderr


def test_a_build_of_some_kinds_renders_no_template_of_the_others(make_project, run):
    # The slides template is broken, but a briefing-only build never renders it.
    root = make_project({"templates/slides.html": "{{ no_such_variable }}\n"})
    assert run("build", "--project", root, "--only", "briefing-pdf").exit_code == 0
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--only", "slides-pdf"])
    assert result.exit_code == 1
    assert "no_such_variable" in result.output


def test_a_pack_whose_modules_did_not_change_is_taken_whole_from_the_previous_build(make_project, tmp_path):
    # Not even its HTML is rendered again: its files are the previous build's (hard links, same inodes).
    root, out = make_project(THREE_PACKS), tmp_path / "out"
    kinds = {"briefing-pdf", "briefing-html"}
    first = rebuild(root, out, only=kinds)
    inodes = {path: (out / path).stat().st_ino for path in ("basic/briefing.html", "both/briefing.html")}
    edit_beta(root)
    report = rebuild(root, out, only=kinds)
    assert sorted(report.rendered) == ["both/briefing.pdf", "second/briefing.pdf"]
    assert (out / "basic/briefing.html").stat().st_ino == inodes["basic/briefing.html"]
    assert (out / "both/briefing.html").stat().st_ino != inodes["both/briefing.html"]
    assert (report.files, report.pages) == (first.files, first.pages)
    assert sorted(report.unchanged) == ["basic/briefing.pdf"]


def test_a_build_without_the_optional_grade_libraries_still_fingerprints(monkeypatch):
    """The README's build command installs no extra: a missing optional library is 'absent', not a crash."""
    from importlib import metadata

    from emcon import fingerprint

    real = metadata.version

    def version(name: str) -> str:
        if name == "numpy":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", version)
    assert "numpy absent" in fingerprint._library_versions()
