"""Nothing outside the output folder is written, nothing a user owns is deleted, no link is followed out.

Each test is a case that lost or wrote a file before (issue 11), with the exact message now given.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import tree_digest
from emcon.cli import main
from emcon.errors import BuildError
from emcon.writer import STAMP, Staging

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
REFUSED = (
    "; a build replaces its whole output folder, so name a folder outside content/ and templates/, such as build/\n"
)


def invoke(*args) -> CliRunner:
    return CliRunner().invoke(main, [str(a) for a in args])


def build(project: Path, *args) -> CliRunner:
    return invoke("build", "--project", project, "--only", "briefing-html", *args)


def assert_failed(result) -> None:
    assert isinstance(result.exception, SystemExit), f"uncaught {result.exception!r}"  # else: a traceback
    assert result.exit_code == 1, result.output


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project holding a user's file: no build or command may touch it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("mine")
    return folder


# ---------------------------------------------------------------- what an earlier build is


def test_a_folder_with_a_manifest_in_a_subfolder_is_not_taken_for_a_build(project, tmp_path):
    mine = tmp_path / "mine"
    (mine / "photos").mkdir(parents=True)
    (mine / "notes.txt").write_text("notes")
    (mine / "photos/manifest.json").write_text('{"pack": "photos", "outputs": []}')
    (mine / "photos/cat.jpg").write_bytes(b"\xff\xd8")
    before = tree_digest(mine)
    result = build(project, "--out", mine)
    assert_failed(result)
    assert result.stderr == (
        f"error: {mine} holds files that are not an emcon build; a build replaces its whole output folder, "
        "so name a new or empty folder (or the build/ folder of an earlier build)\n"
    )
    assert tree_digest(mine) == before


def test_a_stamp_that_is_a_link_or_not_a_stamp_does_not_make_a_build(project, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("notes")
    os.symlink(project / "build" / STAMP, mine / STAMP)
    assert_failed(build(project, "--out", mine))
    os.unlink(mine / STAMP)
    (mine / STAMP).write_text("[]")
    assert_failed(build(project, "--out", mine))
    assert sorted(p.name for p in mine.iterdir()) == [STAMP, "notes.txt"]


def test_an_earlier_build_is_replaced(project):
    (project / "build/basic/stray.txt").write_text("left by hand")
    result = build(project, "--out", project / "build")
    assert result.exit_code == 0, result.output
    assert (project / "build/basic/briefing.html").is_file()


@pytest.mark.parametrize(
    ("out", "where"),
    [
        (".", "is the project folder itself"),
        ("..", "is a folder holding the project {root}"),
        ("content", "is the project's inputs ({root}/content)"),
        ("content/figures", "is inside the project's inputs ({root}/content)"),
        ("templates", "is the project's inputs ({root}/templates)"),
        ("templates/new", "is inside the project's inputs ({root}/templates)"),
        (".emcon", "is the project's inputs ({root}/.emcon)"),
    ],
)
def test_an_output_folder_in_the_project_inputs_is_refused(out, where, project):
    before = tree_digest(project.parent)
    result = build(project, "--out", project / out)
    assert_failed(result)
    assert (
        result.stderr == f"error: the output folder {(project / out).resolve()} {where.format(root=project)}" + REFUSED
    )
    assert tree_digest(project.parent) == before


def test_an_output_folder_that_is_a_link_is_refused(project, outside):
    os.symlink(outside, project / "linked")
    result = build(project, "--out", project / "linked")
    assert_failed(result)
    assert result.stderr == (
        f"error: {project / 'linked'} is a symbolic link; name the folder it points to, "
        "or a new folder, as the output\n"
    )
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


# ---------------------------------------------------------------- output paths


def test_a_figure_path_that_climbs_out_and_back_is_written_under_assets(project):
    (project / "content/figures").mkdir()
    (project / "content/figures/towers.png").write_bytes(PNG)
    content = project / "content"
    anchor = content.parents[3]
    climbing = "../" * 4 + (content / "figures/towers.png").relative_to(anchor).as_posix()
    assert (content / climbing).resolve() == (content / "figures/towers.png").resolve()  # passes check
    module = project / "content/modules/alpha.yaml"
    text = module.read_text().replace(
        "key_points:",
        f"  - heading: Towers\n    body: Towers.\n    figure: {{file: '{climbing}', caption: Towers, alt: Towers}}\nkey_points:",
        1,
    )
    module.write_text(text)
    result = build(project)
    assert result.exit_code == 0, result.output
    manifest = json.loads((project / "build/basic/manifest.json").read_text())
    assets = [e["path"] for e in manifest["outputs"] if e["path"].endswith(".png")]
    assert assets == ["site/assets/figures/towers.png"]
    assert (project / "build/basic/site/assets/figures/towers.png").read_bytes() == PNG
    # Joined as written, the path led from build/basic/site/assets/ up out of the build, into the project.
    assert sorted(p.name for p in project.iterdir()) == [".build.emcon-lock", "build", "content"]


@pytest.mark.parametrize("relpath", ["../escape.txt", "/tmp/escape.txt", "a/../../escape.txt", "a//b", "./a", ""])
def test_the_one_write_function_refuses_a_path_that_leaves_the_staging_folder(relpath, tmp_path):
    staging = Staging(tmp_path / "build")
    try:
        with pytest.raises(BuildError) as refused:
            staging.write(relpath, b"x")
        assert refused.value.message == (
            f"refusing to write {relpath!r}: an output path must stay inside the output folder"
        )
    finally:
        staging.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_one_write_function_never_writes_through_a_link(tmp_path, outside):
    staging = Staging(tmp_path / "build")
    try:
        os.symlink(outside, staging.root / "basic")  # as if something had put a link into the staging folder
        with pytest.raises(BuildError, match="^cannot write the build to .*: not a folder \\(or a link\\)"):
            staging.write("basic/precious.txt", b"overwritten")
        os.symlink(outside / "precious.txt", staging.root / "index.html")
        staging.write("index.html", b"new")  # replaces the link, not what it points to
        assert (staging.root / "index.html").read_bytes() == b"new"
    finally:
        staging.discard()
    assert (outside / "precious.txt").read_text() == "mine"


# ---------------------------------------------------------------- links shipped in a project


def test_new_module_does_not_write_through_a_dangling_link(project, tmp_path):
    os.symlink(tmp_path / "created-outside.yaml", project / "content/modules/beta.yaml")
    result = invoke("new", "module", "beta", "--project", project)
    assert_failed(result)
    assert result.output == (
        f"Error: {(project / 'content/modules/beta.yaml').as_posix()} already exists; choose another id or edit that file\n"
    )
    assert not (tmp_path / "created-outside.yaml").exists()


def test_new_module_does_not_write_through_a_linked_emcon_folder(project, outside):
    os.symlink(outside, project / ".emcon")
    (outside / "schema").mkdir()
    (outside / "schema/module.json").write_text("mine")
    before = tree_digest(outside)
    result = invoke("new", "module", "beta", "--project", project)
    assert_failed(result)
    assert result.output == f"Error: cannot write {project / '.emcon'}: not a folder (or a link)\n"
    assert tree_digest(outside) == before
    assert not (project / "content/modules/beta.yaml").exists()


def test_new_module_replaces_a_linked_schema_file_without_writing_through_it(project, outside):
    (project / ".emcon/schema").mkdir(parents=True)
    os.symlink(outside / "precious.txt", project / ".emcon/schema/module.json")
    result = invoke("new", "module", "beta", "--project", project)
    assert result.exit_code == 0, result.output
    assert (outside / "precious.txt").read_text() == "mine"
    assert not (project / ".emcon/schema/module.json").is_symlink()
    assert json.loads((project / ".emcon/schema/module.json").read_text())["title"] == "emcon module"


def test_the_lock_file_does_not_follow_a_dangling_link(project, tmp_path):
    (project / ".build.emcon-lock").unlink()
    os.symlink(tmp_path / "lock-outside", project / ".build.emcon-lock")
    before = tree_digest(project / "build")
    (project / "content/glossary.yaml").write_text((project / "content/glossary.yaml").read_text() + "\n")
    result = build(project)
    assert_failed(result)
    assert result.stderr == (
        f"error: {project / '.build.emcon-lock'} is a symbolic link; emcon does not follow it: remove it\n"
    )
    assert not (tmp_path / "lock-outside").exists()
    assert tree_digest(project / "build") == before


def test_a_shipped_staging_link_is_removed_and_recovers_nothing(project, outside):
    (outside / "basic").mkdir()
    (outside / "basic/manifest.json").write_text('{"pack": "basic", "outputs": []}')
    (outside / STAMP).write_text('{"inputs": null, "sizes": {}}')
    shutil.rmtree(project / "build")
    os.symlink(outside, project / ".build.staging-1-abcd-old")
    before = tree_digest(outside)
    result = build(project)
    assert result.exit_code == 0, result.output
    assert tree_digest(outside) == before
    assert not os.path.lexists(project / ".build.staging-1-abcd-old")
    assert not (project / "build").is_symlink()
    assert not (project / "build/precious.txt").exists()
    assert sorted(p.name for p in (project / "build").iterdir()) == [STAMP, "basic", "index.css", "index.html"]


# ---------------------------------------------------------------- packs that go away


def test_a_pack_removed_from_content_leaves_the_build_and_its_index(project):
    second = (project / "content/packs/basic.yaml").read_text().replace("id: basic", "id: second")
    (project / "content/packs/second.yaml").write_text(second)
    assert build(project).exit_code == 0
    assert (project / "build/second/manifest.json").is_file()
    assert 'href="second/' in (project / "build/index.html").read_text()
    (project / "content/packs/second.yaml").unlink()
    result = build(project)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "build").iterdir()) == [STAMP, "basic", "index.css", "index.html"]
    assert "second" not in (project / "build/index.html").read_text()


def test_a_build_of_named_packs_keeps_the_others_but_not_a_removed_one(project):
    for name in ("second", "third"):
        text = (project / "content/packs/basic.yaml").read_text().replace("id: basic", f"id: {name}")
        (project / f"content/packs/{name}.yaml").write_text(text)
    assert build(project).exit_code == 0
    (project / "content/packs/third.yaml").unlink()
    result = build(project, "basic")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "build").iterdir() if p.is_dir()) == ["basic", "second"]


# ---------------------------------------------------------------- init


def test_init_into_a_folder_it_cannot_create_is_a_message(tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = invoke("init", tmp_path / "a-file/course")
    assert_failed(result)
    assert result.output == f"Error: cannot create {(tmp_path / 'a-file/course').as_posix()}: Not a directory\n"
    result = invoke("init", "/proc/emcon-course")
    assert_failed(result)
    assert result.output == "Error: cannot create /proc/emcon-course: No such file or directory\n"


def test_init_does_not_follow_a_link(tmp_path, outside):
    (outside / "precious.txt").unlink()
    os.symlink(outside, tmp_path / "course")
    result = invoke("init", tmp_path / "course")
    assert_failed(result)
    assert (
        result.output
        == f"Error: {(tmp_path / 'course').as_posix()} is a symbolic link; name a new folder for emcon init\n"
    )
    assert list(outside.iterdir()) == []


def test_nothing_of_a_build_is_left_beside_it(project):
    with contextlib.chdir(project):
        result = build(project)
    assert result.exit_code == 0
    assert sorted(p.name for p in project.iterdir()) == [".build.emcon-lock", "build", "content"]
