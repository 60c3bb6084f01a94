"""The command line: thin wrappers over load, check and build."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .errors import ContentError, Problem, errors_in, summarize
from .project import Project, load_project

OUTPUT_KINDS = (
    "briefing-pdf", "briefing-html", "instructor-pdf", "slides-pdf", "card-pdf",
    "quiz-pdf", "key-pdf", "quiz-html", "gift", "moodle-xml", "qti21", "qti12-canvas",
)

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Curriculum folder holding content/ and templates/.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emcon")
def main() -> None:
    """Turn emissions-discipline lessons (YAML) into classroom material."""


def load_or_fail(project_dir: Path, strict: bool = False, sources: Path | None = None) -> tuple[Project, list[Problem]]:
    """Load the project; stop with every problem if any is an error."""
    project, problems = load_project(project_dir, sources)
    if project is None or errors_in(problems, strict):
        raise ContentError(problems)
    return project, problems


@main.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--sources", "sources_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder with local copies of the sources: every quote is checked against them.",
)
def check(project_dir: Path, strict: bool, sources_dir: Path | None) -> None:
    """Validate all content; print every problem as path:line: message."""
    project, problems = load_project(project_dir, sources_dir)
    if project is None or errors_in(problems, strict):
        raise ContentError(problems)
    for problem in sorted(problems):
        click.echo(str(problem))
    if sources_dir is None:
        click.echo("note: quotes were not checked against their sources (pass --sources DIR)")
    cur = project.curriculum
    click.echo(f"{len(cur.modules)} modules, {len(cur.packs)} packs: {summarize(problems)}")


@main.command()
@project_option
@click.argument("packs", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: PROJECT/build].")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes for PDF layout [default: cores].")
@click.option("--only", "only", multiple=True, type=click.Choice(OUTPUT_KINDS), help="Build only these kinds (repeatable).")
@click.option("--verbose", "-v", is_flag=True, help="Report every output as it finishes.")
def build(project_dir: Path, packs: tuple[str, ...], out_dir: Path | None, jobs: int | None, only: tuple[str, ...], verbose: bool) -> None:
    """Build every pack (or the named ones) into build/."""
    from .build import build as run_build

    project, _ = load_or_fail(project_dir)
    out = (out_dir or project.root / "build").resolve()
    progress = _progress_printer() if verbose else None
    report = run_build(project, out, packs, set(only) or None, jobs, progress)
    click.echo(
        f"built {len(report.rendered)} PDFs, {len(report.unchanged)} unchanged, "
        f"{report.files} files, {report.pages} pages in {report.seconds:.1f}s -> {out}"
    )


def _progress_printer():
    def report(name: str, done: int, total: int) -> None:
        click.echo(f"[{done}/{total}] {name}", err=True)

    return report
