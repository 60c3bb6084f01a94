"""The build: render every pack's outputs, lay out the PDFs that changed, write once.

Gather, then write: everything is rendered into memory and a staging folder
first; the output folder changes only when the whole build has succeeded.

Four levels keep rebuilds fast. A build whose inputs (every project and theme
file, the options, emcon's code) are all unchanged is answered from a stamp in
the output folder without loading anything. Otherwise the content is loaded and
checked, and a pack whose own inputs are unchanged is taken whole from the
previous build. The other packs are rendered again, but a PDF's HTML only when
its kind is built, and a PDF whose key is unchanged is reused. The PDFs left are
laid out in worker processes.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError
from .fingerprint import inputs_digest, pack_digest
from .theme import Theme, default_theme_dir
from .writer import (
    LOCK_FDS,
    MANIFEST,
    STAMP,
    Staging,
    build_lock,
    check_output_place,
    manifest_bytes,
    read_manifest,
    read_stamp,
    regular_inside,
    sha256,
)

if TYPE_CHECKING:
    from .outputs import Output, PdfJob
    from .project import Project


@dataclass
class BuildReport:
    """What a build did, for the summary line and the tests."""

    rendered: list[str] = field(default_factory=list)  # pack/path of PDFs laid out now
    unchanged: list[str] = field(default_factory=list)  # pack/path of PDFs reused
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    up_to_date: bool = False  # nothing changed since the previous build: nothing was loaded


@dataclass
class _Planned:
    pack: str
    output: Output
    key: str | None = None
    reuse: Path | None = None  # the previous build's file of an unchanged PDF

    @property
    def name(self) -> str:
        return f"{self.pack}/{self.output.path}"


@dataclass(frozen=True)
class Progress:
    """What to call as the build goes: a PDF is laid out, a pack's files are all written."""

    pdf_done: Callable[[str, int, int, int], None]  # name, pages, PDFs done, PDFs to lay out
    pack_done: Callable[[str, int, int], None] = lambda pack, files, pages: None  # pack, its files, its pages


def build_inputs(project_dir: Path, pack_ids: tuple[str, ...], only: set[str] | None) -> str | None:
    """Return a digest of everything a build with these options reads (None without content/)."""
    options = {"packs": sorted(set(pack_ids)), "only": sorted(only) if only else None}
    return inputs_digest(project_dir, default_theme_dir(), options)


def previous_report(out: Path, inputs: str | None) -> BuildReport | None:
    """Return the previous build's report if it was made from the same inputs and is intact."""
    started = time.perf_counter()
    stamp = _read_stamp(out)
    if inputs is None or stamp.get("inputs") != inputs or not _intact(out, stamp.get("sizes", {})):
        return None
    report = BuildReport(unchanged=stamp["pdfs"], files=stamp["files"], pages=stamp["pages"], up_to_date=True)
    report.seconds = time.perf_counter() - started
    return report


def _intact(out: Path, sizes: dict[str, int]) -> bool:
    """Tell whether every file of a build is still there with its size (someone may have deleted one)."""
    try:
        return all(
            regular_inside(out, out / relpath) and os.lstat(out / relpath).st_size == size
            for relpath, size in sizes.items()
        )
    except OSError:
        return False


def select_packs(project: Project, names: tuple[str, ...]) -> list[str]:
    """Return the pack ids to build: the named ones, or all."""
    known = project.curriculum.packs
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BuildError(f"unknown pack {unknown[0]!r}; known packs: {', '.join(sorted(known)) or 'none'}")
    return list(names) if names else sorted(known)


def plan_pack(project: Project, pack_id: str, theme: Theme, only: set[str] | None) -> list[Output]:
    """Render everything of one pack except PDF layout."""
    from .render import RENDERERS  # the renderers and the model load only when something changed
    from .render.context import PackContext

    ctx = PackContext(project, project.curriculum.packs[pack_id], theme)
    families = [render for kinds, render in RENDERERS if only is None or only.intersection(kinds)]
    return [o for render in families for o in render(ctx) if only is None or o.kind in only]


def build(
    project: Project,
    out: Path,
    pack_ids: tuple[str, ...] = (),
    only: set[str] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    inputs: str | None = None,
) -> BuildReport:
    """Build the packs into out; return what was done.

    inputs is build_inputs() taken before the project was loaded, so that an
    edit made while building is seen by the next build.
    """
    started = time.perf_counter()
    check_output_place(out, project.root, default_theme_dir())
    inputs = inputs or build_inputs(project.root, pack_ids, only)
    theme = Theme(project.root / "templates")
    packs = select_packs(project, pack_ids)
    stamp = _read_stamp(out)
    keys = {p: _pack_key(project, p, only) for p in packs}
    changed = [p for p in packs if not _pack_unchanged(out, p, keys[p], stamp)]
    planned = [_Planned(p, o) for p in changed for o in plan_pack(project, p, theme, only)]
    report = BuildReport()
    with build_lock(out):
        staging = Staging(out)
        try:
            _write_build(staging, out, changed, planned, only, jobs, progress, report, theme)
            # Packs of the previous build that this one did not touch; a pack no longer in content/ is dropped.
            _keep_other_packs(staging, out, [p for p in sorted(project.curriculum.packs) if p not in changed])
            _finish_index(staging, theme, packs_as_read(project), project.settings)
            _report_unchanged_packs(report, out, [p for p in packs if p not in changed], only)
            kept = {p: k for p, k in stamp.get("packs", {}).items() if (staging.root / p).is_dir()}
            staging.write(STAMP, _stamp_bytes(staging.root, inputs, report, kept | keys))
            staging.commit()
        except BaseException:
            staging.discard()
            raise
    report.seconds = time.perf_counter() - started
    return report


def _read_stamp(out: Path) -> dict:
    """Return the stamp of the previous build ({} if none or unreadable)."""
    return read_stamp(out)


def _pack_key(project: Project, pack_id: str, only: set[str] | None) -> str:
    """Return a digest of everything the pack's outputs are made from."""
    options = {"only": sorted(only) if only else None}
    pack = project.curriculum.packs[pack_id]
    packs = [pack_id] + ([pack.translates] if pack.translates else [])
    catalog = f"{pack.language}.po" if pack.language in project.catalogs else None
    return pack_digest(project.root, default_theme_dir(), options, packs, list(pack.modules), catalog)


def _pack_unchanged(out: Path, pack_id: str, key: str, stamp: dict) -> bool:
    """Tell whether the previous build holds this pack, made from the same inputs and intact."""
    if stamp.get("packs", {}).get(pack_id) != key or not (out / pack_id / MANIFEST).is_file():
        return False
    sizes = stamp.get("sizes", {})
    return _intact(out, {path: size for path, size in sizes.items() if path.startswith(f"{pack_id}/")})


def _report_unchanged_packs(report: BuildReport, out: Path, pack_ids: list[str], only: set[str] | None) -> None:
    """Count the outputs of packs taken whole from the previous build (by _keep_other_packs)."""
    for pack_id in pack_ids:
        entries = [e for e in read_manifest(out / pack_id).values() if only is None or e.get("kind") in only]
        report.files += len(entries)
        report.pages += sum(e.get("pages") or 0 for e in entries)
        report.unchanged += [f"{pack_id}/{e['path']}" for e in entries if "key" in e]


def _write_build(staging, out, packs, planned, only, jobs, progress, report, theme) -> None:
    previous = {p: read_manifest(out / p) for p in packs}
    with _Workers(jobs or os.cpu_count() or 1) as workers:
        _match_previous(planned, previous, out, workers)
        laid_out = workers.lay_out([p for p in planned if p.output.pdf and not p.reuse], progress)
    _finish_after(planned, laid_out, previous, out)
    entries: dict[str, list[dict]] = {p: [] for p in packs}
    for item in planned:
        entries[item.pack].append(_write_output(staging, item, laid_out.get(item.name), report))
    for pack in packs:
        if only is not None:  # keep the other kinds of a partial build
            kept = {e["path"] for e in entries[pack]}
            for path, entry in previous[pack].items():
                if path not in kept and (out / pack / path).is_file():
                    staging.reuse(f"{pack}/{path}", out / pack / path)
                    entries[pack].append(entry)
        staging.write(f"{pack}/{MANIFEST}", manifest_bytes(pack, entries[pack]))
        if progress is not None:
            progress.pack_done(pack, len(entries[pack]), sum(e.get("pages") or 0 for e in entries[pack]))


def packs_as_read(project) -> dict:
    """Return every pack in its own language, as the landing page lists it (a Ukrainian pack's title in Ukrainian)."""
    from .i18n.apply import translation

    return {
        ident: translation(project, pack.language).curriculum.packs[ident]
        for ident, pack in project.curriculum.packs.items()
    }


def _finish_index(staging: Staging, theme: Theme, packs: dict, settings=None) -> None:
    """Write build/index.html (every pack in the staged build) and its stylesheet."""
    from .landing import index_html

    staging.write("index.html", index_html(theme, staging.root, packs, settings).encode())
    staging.write("index.css", theme.find("css/index.css").read_bytes())


def _match_previous(planned: list[_Planned], previous: dict, out: Path, workers: _Workers) -> None:
    """Mark PDFs whose inputs are unchanged since the previous build; tell the workers about the others."""
    for item in planned:
        if item.output.pdf is None:
            continue
        item.key = item.output.pdf.key()  # renders the PDF's HTML
        old = previous[item.pack].get(item.output.path)
        old_file = out / item.pack / item.output.path
        if old and old.get("key") == item.key and regular_inside(out, old_file):
            item.reuse = old_file
            item.output.extra["pages"] = old.get("pages")
        else:
            workers.expect()


def _finish_after(planned: list[_Planned], laid_out: dict, previous: dict, out: Path) -> None:
    """Finish the PDFs made with another PDF of their pack: the notes pages get the laid-out slides."""
    for item in planned:
        job = item.output.pdf
        if job is None or job.after is None or item.reuse is not None:
            continue
        other, finish = job.after
        data, pages = laid_out[item.name]
        laid_out[item.name] = (finish(data, _pdf_of(other, item.pack, planned, laid_out, previous, out)), pages)


def _pdf_of(job: PdfJob, pack: str, planned: list[_Planned], laid_out: dict, previous: dict, out: Path) -> bytes:
    """Return the bytes of a job's PDF: built now, reused, or (when its kind is not built) laid out for this alone."""
    for item in planned:
        if item.output.pdf is job:
            return item.reuse.read_bytes() if item.reuse is not None else laid_out[item.name][0]
    key = job.key()
    for entry in previous.get(pack, {}).values():
        if entry.get("key") == key and (out / pack / entry["path"]).is_file():
            return (out / pack / entry["path"]).read_bytes()
    return _layout(f"{pack}: a PDF that another needs", *_document(job))[0]


def _write_output(staging: Staging, item: _Planned, laid_out, report: BuildReport) -> dict:
    out = item.output
    relpath = f"{item.pack}/{out.path}"
    if item.reuse is not None:
        staging.reuse(relpath, item.reuse)
        digest = sha256(item.reuse.read_bytes())  # the file's own bytes, even if someone changed it
        report.unchanged.append(item.name)
    elif out.pdf is not None:
        data, pages = laid_out
        out.extra["pages"] = pages
        staging.write(relpath, data)
        digest = sha256(data)
        report.rendered.append(item.name)
    else:
        staging.write(relpath, out.data)
        digest = sha256(out.data)
    report.files += 1
    report.pages += out.extra.get("pages") or 0
    entry = {"kind": out.kind, "path": out.path, "sha256": digest}
    if out.form:
        entry["form"] = out.form
    if item.key:
        entry["key"] = item.key
    return entry | out.extra


class _Workers:
    """Lay out PDFs: in this process, or in worker processes once two PDFs need it.

    The workers start as soon as the second PDF to lay out is known, so that they
    load WeasyPrint (about 0.7 s) while this process renders the remaining HTML.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.expected = 0
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind, *exc) -> None:
        if self.pool is None:
            return
        if kind is not None:  # Ctrl-C or an error: stop the layouts under way instead of waiting for them
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.kill()
        self.pool.shutdown(cancel_futures=True)

    def expect(self) -> None:
        """Note one more PDF to lay out."""
        self.expected += 1
        if self.expected == 2 and self.jobs > 1:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
            )
            self.pool.submit(int)  # forks every worker now (from this thread: their death signal follows it)

    def lay_out(self, items: list[_Planned], progress: Progress | None) -> dict[str, tuple[bytes, int]]:
        """Lay out the items' PDFs; return bytes and pages by name."""
        items = sorted(items, key=lambda i: -len(i.output.pdf.html))  # longest first keeps workers busy
        results: dict[str, tuple[bytes, int]] = {}
        if self.pool is None:
            for item in items:
                results[item.name] = _layout(item.name, *_document(item.output.pdf))
                _tick(progress, item.name, results, len(items))
            return results
        futures = {self.pool.submit(_layout, item.name, *_document(item.output.pdf)): item.name for item in items}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            _tick(progress, futures[future], results, len(items))
        return results


PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies


def _start_worker(parent: int) -> None:
    """Set up a layout worker: it dies with the build, holds no lock, leaves Ctrl-C to the build; load WeasyPrint."""
    for fd in LOCK_FDS:  # inherited by fork: the lock must go when the build dies, not when its last worker does
        os.close(fd)
    LOCK_FDS.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops its workers itself; no traceback from them
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux: die with the build
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)
    import weasyprint  # noqa: F401


def _tick(progress: Progress | None, name: str, results: dict, total: int) -> None:
    if progress is not None:
        progress.pdf_done(name, results[name][1], len(results), total)


def _document(job: PdfJob) -> tuple[str, str, list[Path]]:
    """Return what a worker needs to lay out a job (the job itself holds its renderer, which cannot be sent)."""
    return job.html, job.base_url, list(job.roots)


def _layout(name: str, html: str, base_url: str, roots: list[Path]) -> tuple[bytes, int]:
    from .pdf import RenderError, render_pdf

    try:
        return render_pdf(html, base_url, roots)
    except RenderError as exc:
        raise BuildError(f"{name}: PDF rendering failed: {exc}") from None


def _stamp_bytes(root: Path, inputs: str | None, report: BuildReport, pack_keys: dict[str, str]) -> bytes:
    """Return the stamp of a staged build: its inputs and each pack's, its report, and the size of every file."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    stamp = {
        "inputs": inputs,
        "packs": dict(sorted(pack_keys.items())),
        "pdfs": sorted(report.rendered + report.unchanged),
        "files": report.files,
        "pages": report.pages,
        "sizes": {p.relative_to(root).as_posix(): p.stat().st_size for p in files},
    }
    return (json.dumps(stamp, indent=1) + "\n").encode()


def _keep_other_packs(staging: Staging, out: Path, pack_ids: list[str]) -> None:
    """Carry over the named packs from the previous build: its regular files only, never through a link."""
    for pack_id in pack_ids:
        pack_dir = out / pack_id
        if not regular_inside(out, pack_dir / MANIFEST):
            continue
        for folder, dirs, names in os.walk(pack_dir):  # does not descend into linked folders
            dirs.sort()
            for name in sorted(names):
                path = Path(folder) / name
                if regular_inside(out, path):
                    staging.reuse(path.relative_to(out).as_posix(), path)
