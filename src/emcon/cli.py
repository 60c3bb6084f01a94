"""The command line: thin wrappers over load, check and build."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import ContentError, NoCurriculum, Problem, count, errors_in, problem_lines, summarize

# The content model (pydantic), the templates and WeasyPrint are imported inside the
# commands that use them: `emcon build` with nothing changed answers in a tenth of a second.
if TYPE_CHECKING:
    from .build import Progress
    from .project import Project

OUTPUT_KINDS = (
    "briefing-pdf",
    "briefing-html",
    "instructor-pdf",
    "slides-pdf",
    "notes-pdf",
    "slides-pptx",
    "card-pdf",
    "exercise-pdf",
    "quiz-pdf",
    "key-pdf",
    "quiz-html",
    "answer-sheet-pdf",
    "gift",
    "moodle-xml",
    "qti21",
    "qti12-canvas",
)

project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Curriculum folder holding content/ and templates/.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="emcon")
def main() -> None:
    """Turn lessons written in YAML into classroom material: briefings, guides, slides, cards, quizzes."""


def load_or_fail(project_dir: Path, strict: bool = False, sources: Path | None = None) -> tuple[Project, list[Problem]]:
    """Load the project; stop with every problem if any is an error."""
    from .project import load_project

    project, problems = load_project(project_dir, sources)
    if project is None or errors_in(problems, strict):
        raise ContentError(problems, strict)
    return project, problems


@main.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder with local copies of the sources: every quote is checked against them.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document with every problem, for editors and CI.",
)
@click.option("--verbose", "-v", is_flag=True, help="Also show the settings in effect (emcon.yaml, or the defaults).")
def check(project_dir: Path, strict: bool, sources_dir: Path | None, output_format: str, verbose: bool) -> None:
    """Validate all content; print every problem as path:line: message."""
    if output_format == "json":
        from .project import load_project

        project, problems = load_project(project_dir, sources_dir)
        click.echo(_problems_json(project, problems, strict, sources_dir is not None))
        if project is None or errors_in(problems, strict):
            raise click.exceptions.Exit(1)
        return
    project, problems = load_or_fail(project_dir, strict, sources_dir)
    for line in problem_lines(problems):
        click.echo(line)
    if verbose:
        from .settings import settings_lines

        source = project.settings_doc.path if project.settings_doc else None
        click.echo("\n".join(settings_lines(project.settings, source)))
    if sources_dir is None:
        click.echo("note: quotes were not checked against their sources (pass --sources DIR)")
    cur = project.curriculum
    click.echo(f"{count(len(cur.modules), 'module')}, {count(len(cur.packs), 'pack')}: {summarize(problems)}")


@main.command()
@project_option
@click.argument("packs", nargs=-1)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: PROJECT/build]."
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes for PDF layout [default: cores].")
@click.option(
    "--only", "only", multiple=True, type=click.Choice(OUTPUT_KINDS), help="Build only these kinds (repeatable)."
)
@click.option("--verbose", "-v", is_flag=True, hidden=True, help="Kept for old scripts: progress is always shown.")
def build(
    project_dir: Path,
    packs: tuple[str, ...],
    out_dir: Path | None,
    jobs: int | None,
    only: tuple[str, ...],
    verbose: bool,
) -> None:
    """Build every pack (or the named ones) into build/, one line per PDF and per pack as each is done."""
    from .build import build as run_build
    from .build import build_inputs, previous_report
    from .project import shown_path

    started = time.perf_counter()
    # Absolute, but a link named as the output stays a link: the build refuses it rather than follow it.
    out = Path(os.path.abspath(out_dir)) if out_dir else project_dir.resolve() / "build"
    kinds = set(only) or None
    inputs = build_inputs(project_dir, packs, kinds)  # before loading: an edit made during the build shows next time
    report = previous_report(out, inputs)
    if report is None:
        project, _ = load_or_fail(project_dir)
        _note_english_left(project, packs)
        report = run_build(project, out, packs, kinds, jobs, _progress_printer(started), inputs)
    click.echo(
        f"built {count(len(report.rendered), 'PDF')}, {len(report.unchanged)} unchanged, "
        f"{count(report.files, 'file')}, {count(report.pages, 'page')} in {time.perf_counter() - started:.1f}s "
        f"-> {shown_path(out)}" + (" (nothing changed)" if report.up_to_date else "")
    )
    landing = shown_path(out / "index.html")
    click.echo(f"open {landing}: the landing page, per pack for learners, the instructor and the LMS")


def _note_english_left(project: Project, packs: tuple[str, ...]) -> None:
    """Say which packs in another language show texts in English: a fallback is never silent."""
    from .i18n.apply import fallback_notes

    for note in fallback_notes(
        project, [p for p in packs or sorted(project.curriculum.packs) if p in project.curriculum.packs]
    ):
        click.echo(str(note), err=True)


def _progress_printer(started: float) -> Progress:
    """Return the callbacks that print a line on stderr for every PDF laid out and every pack written.

    click.echo flushes each line, so the lines come as the work is done, also into a pipe or a log file.
    """
    from .build import Progress

    def pdf_done(name: str, pages: int, done: int, total: int) -> None:
        width = len(str(total))
        click.echo(f"[{done:>{width}}/{total}] {name}: {count(pages, 'page')}, {_since(started)}", err=True)

    def pack_done(pack: str, files: int, pages: int) -> None:
        click.echo(f"pack {pack}: {count(files, 'file')}, {count(pages, 'page')}, {_since(started)}", err=True)

    return Progress(pdf_done, pack_done)


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f}s"


def _problems_json(project: Project | None, problems: list[Problem], strict: bool, quotes_checked: bool) -> str:
    """Return check's findings as one JSON document, problems sorted by file and line."""
    import json
    from dataclasses import asdict

    cur = project.curriculum if project else None
    document = {
        "ok": project is not None and not errors_in(problems, strict),
        "summary": summarize(problems),
        "modules": len(cur.modules) if cur else 0,
        "packs": len(cur.packs) if cur else 0,
        "quotes_checked": quotes_checked,
        "problems": [asdict(p) for p in sorted(set(problems))],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


@main.command("list")
@project_option
def list_content(project_dir: Path) -> None:
    """Show modules and packs: audience, minutes, objectives, quiz items."""
    from .project import load_project

    project, problems = load_project(project_dir)
    if project is None:
        raise ContentError(problems)
    cur = project.curriculum
    packs_of = {m: sorted(p.id for p in cur.packs.values() if m in p.modules) for m in cur.modules}
    modules = [("MODULE", "TITLE", "AUDIENCE", "MINUTES", "OBJECTIVES", "QUIZ", "PACKS")]
    modules += [
        (
            m.id,
            m.title,
            ",".join(m.audience),
            m.minutes,
            len(m.objectives),
            len(m.quiz),
            ",".join(packs_of[m.id]) or "-",
        )
        for m in sorted(cur.modules.values(), key=lambda m: m.id)
    ]
    packs = [("PACK", "AUDIENCE", "MINUTES", "MODULES", "FORMS")]
    packs += [
        (p.id, p.audience, p.minutes, len(p.modules), p.quiz.forms)
        for p in sorted(cur.packs.values(), key=lambda p: p.id)
    ]
    click.echo(format_table(modules) + "\n\n" + format_table(packs))
    if errors_in(problems):  # the table helps fix them (minutes that do not add up), so it comes first
        click.echo(f"note: the content has problems ({summarize(problems)}); run `emcon check`", err=True)


def format_table(rows: list[tuple]) -> str:
    """Return rows as left-aligned columns two spaces apart."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)


@main.group()
def new() -> None:
    """Start new content from a commented skeleton."""


@new.command("module")
@project_option
@click.argument("ident", metavar="ID")
@click.option("--title", help="The module's title [default: from the id].")
def new_module(project_dir: Path, ident: str, title: str | None) -> None:
    """Write content/modules/ID.yaml, a skeleton that passes check."""
    from .project import shown_path
    from .scaffold import new_module as write_module

    path = write_module(project_dir.resolve(), ident, title)
    click.echo(f"wrote {shown_path(path)}: fill it in, add it to a pack, then run `emcon check`")


@new.command("pack")
@project_option
@click.argument("ident", metavar="ID")
@click.option("--title", help="The pack's title [default: from the id].")
def new_pack(project_dir: Path, ident: str, title: str | None) -> None:
    """Write content/packs/ID.yaml, a skeleton that passes check, teaching every module."""
    import datetime

    from .project import shown_path
    from .scaffold import new_pack as write_pack

    path = write_pack(project_dir.resolve(), ident, title, datetime.date.today())
    click.echo(f"wrote {shown_path(path)}: fill it in, keep the modules it teaches, then run `emcon check`")


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a new curriculum in DIR, asking nothing: a neutral example of every feature, templates/ for overrides."""
    from .project import shown_path
    from .scaffold import init_project

    for path in init_project(folder):
        click.echo(f"wrote {shown_path(path)}")
    click.echo(
        f"next: cd {shown_path(folder.resolve())} && emcon check --sources sources && emcon build "
        "(or emcon serve to preview)"
    )


@main.command()
@click.argument("kind", type=click.Choice(["module", "pack", "sources", "glossary", "settings"]), required=False)
def schema(kind: str | None) -> None:
    """Print the JSON Schema of one kind of content file or of emcon.yaml (settings), or of all content files."""
    from .schema import schema_text

    click.echo(schema_text(kind), nl=False)


@main.group()
def translate() -> None:
    """Translate the content through gettext catalogs in content/locale/ (docs/translating.md)."""


@translate.command("extract")
@project_option
def translate_extract(project_dir: Path) -> None:
    """Write content/locale/messages.pot: every text of the content, one entry each."""
    from .i18n.workflow import extract
    from .project import shown_path

    project, _ = load_or_fail(project_dir)
    path, entries = extract(project)
    click.echo(f"wrote {shown_path(path)}: {entries} texts; next: emcon translate update LANG")


@translate.command("update")
@project_option
@click.argument("language", metavar="LANG")
def translate_update(project_dir: Path, language: str) -> None:
    """Create or merge content/locale/LANG.po from the template (changed English becomes fuzzy)."""
    from .i18n.workflow import update
    from .project import CONTENT, shown_path

    content = project_dir.resolve() / CONTENT
    if not content.is_dir():
        raise NoCurriculum(project_dir.resolve())
    path, created, n = update(content, language, shown_path(content / "locale"))
    click.echo(
        f"{'created' if created else 'updated'} {shown_path(path)}: {n.translated} translated, {n.fuzzy} fuzzy, "
        f"{n.untranslated} untranslated, {n.obsolete} obsolete"
    )


@main.group()
def theme() -> None:
    """The default theme that a curriculum's templates/ overrides."""


@theme.command("path")
def theme_path() -> None:
    """Print the default theme's folder: copy a file from it into templates/ to override it."""
    from .theme import default_theme_dir

    click.echo(default_theme_dir())


@main.command()
@project_option
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve(project_dir: Path, port: int) -> None:
    """Build, serve build/ on 127.0.0.1, rebuild and reload on every change."""
    from .serve import serve as run_server

    html_kinds = {k for k in OUTPUT_KINDS if k.endswith("-html")}
    run_server(project_dir.resolve(), port, html_kinds)


@main.command()
@project_option
@click.argument("pack")
@click.argument("scans", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the results."
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
def grade(project_dir: Path, pack: str, scans: tuple[Path, ...], out_dir: Path, jobs: int) -> None:
    """Grade scanned or photographed answer sheets of PACK (PDF pages, PNG, JPEG; folders of them)."""
    from .errors import BuildError

    try:
        from .grade import grade as run_grade
    except ImportError as exc:
        raise BuildError(f"emcon grade needs its image libraries ({exc.name}): pip install 'emcon[grade]'") from None

    project, _ = load_or_fail(project_dir)
    packs = project.curriculum.packs
    if pack not in packs:
        raise BuildError(f"unknown pack {pack!r}; known packs: {', '.join(sorted(packs)) or 'none'}")
    started = time.perf_counter()
    summary = run_grade(project, pack, list(scans), out_dir.resolve(), jobs)
    click.echo(
        f"graded {summary.sheets} sheets ({summary.passed} passed) from {summary.pages} pages, "
        f"{summary.not_read} not read, {summary.to_review} to review in {time.perf_counter() - started:.1f}s "
        f"-> {out_dir.resolve()}"
    )
