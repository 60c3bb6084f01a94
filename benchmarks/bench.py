"""Measure emcon's builds against WeasyPrint alone, on synthetic curricula.

    python benchmarks/bench.py                      # 20 and 200 modules, the default kinds
    python benchmarks/bench.py --sizes 20 --kinds all

Each synthetic module is a copy of one of the real modules in content/modules/
(same text, quotes, figures and quiz items, under new ids); packs hold five
consecutive modules each, shaped like the real packs. For every size the script
runs, each as its own process: WeasyPrint alone rendering emcon's own HTML
documents serially (the baseline), full builds with --jobs 1 and --jobs 2, a
rebuild with nothing changed, and a rebuild after one module was edited. It
prints one table and the target ratios.

emcon's code and default theme are copied first and the copy is measured, so
that edits to the checkout during the run (which change every PDF's key) do
not disturb it.
"""

from __future__ import annotations

import argparse
import copy
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
PACK_SIZE = 5  # modules per synthetic pack; the real packs hold 3 to 6
# PDF kinds built by default, with every kind that is not a PDF (the site, quiz page and LMS
# exports, which use every quiz item). The other PDFs (slides, instructor guide, quiz forms,
# keys) add about 50 pages per pack and would take the 200-module run past ten minutes
# on two cores; `--kinds all` builds them too.
DEFAULT_PDFS = ("briefing-pdf", "card-pdf")
GIB = 1024**3

BASELINE = """\
import pickle, sys, time
started = time.perf_counter()
import weasyprint
documents = pickle.load(open(sys.argv[1], "rb"))
pages = 0
for html, base_url in documents:
    document = weasyprint.HTML(string=html, base_url=base_url).render()
    document.write_pdf(pdf_variant="pdf/ua-1")  # the variant emcon writes: tagging costs time too
    pages += len(document.pages)
print(pages)
"""


def main() -> None:
    """Run every size, print the table and the targets."""
    args = parse_args()
    started = time.perf_counter()
    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="emcon-bench-"))
    try:
        freeze_emcon(work)
        from emcon.cli import OUTPUT_KINDS

        pdfs = [k for k in OUTPUT_KINDS if k.endswith("-pdf")]
        chosen = pdfs if args.kinds == "all" else args.kinds.split(",") if args.kinds else DEFAULT_PDFS
        kinds = [k for k in OUTPUT_KINDS if k in chosen or k not in pdfs]
        rows = [row for size in args.sizes for row in run_size(work / f"c{size}", size, kinds)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows, kinds, (load, os.getloadavg()[0]), time.perf_counter() - started)


def freeze_emcon(work: Path) -> None:
    """Copy emcon's package and default theme into work and use the copy, here and in every process run."""
    import emcon

    package = Path(emcon.__file__).parent
    shutil.copytree(package, work / "src/emcon", ignore=shutil.ignore_patterns("__pycache__"))
    if not (package / "templates").is_dir():  # a source checkout: the theme lies beside src/
        shutil.copytree(REPO / "templates", work / "templates")
    for name in [n for n in sys.modules if n == "emcon" or n.startswith("emcon.")]:
        del sys.modules[name]
    sys.path.insert(0, str(work / "src"))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(work / "src"), os.environ.get("PYTHONPATH", "")])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[20, 200],
        help="module counts, comma-separated [20,200]",
    )
    parser.add_argument(
        "--kinds",
        help="PDF kinds to build, comma-separated, or 'all' [briefing-pdf,card-pdf]; "
        "every kind that is not a PDF is always built",
    )
    return parser.parse_args()


def run_size(project: Path, size: int, kinds: list[str]) -> list[dict]:
    """Generate a curriculum of size modules and measure every kind of build of it."""
    write_curriculum(project, size)
    only = [arg for kind in kinds for arg in ("--only", kind)]
    out = project / "build"
    rows = [dict(size=size, step="WeasyPrint alone", **baseline(project, kinds))]
    for jobs in (1, 2):
        shutil.rmtree(out, ignore_errors=True)
        rows.append(dict(size=size, step=f"full build -j{jobs}", **emcon_build(project, only, jobs)))
    rows.append(dict(size=size, step="no-op rebuild", **emcon_build(project, only, 2)))
    edit_module(project / "content/modules" / f"{module_ids(size)[0]}.yaml")
    rows.append(dict(size=size, step="one module edited", **emcon_build(project, only, 2, "-v")))
    return rows


def write_curriculum(project: Path, size: int) -> None:
    """Write size modules copied from the real ones, packs of five, and the real sources and glossary."""
    shutil.rmtree(project, ignore_errors=True)
    content = project / "content"
    shutil.copytree(CONTENT / "figures", content / "figures")
    for name in ("sources.yaml", "glossary.yaml"):
        shutil.copy(CONTENT / name, content / name)
    real = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((CONTENT / "modules").glob("*.yaml"))]
    ids = module_ids(size)
    modules = {}
    for i, ident in enumerate(ids):
        module = copy.deepcopy(real[i % len(real)])
        module["id"], module["title"] = ident, f"{module['title']} ({i + 1})"
        for item in module.get("quiz", []):
            item["id"] = f"{item['id']}-{i:03d}"  # quiz ids are unique across a curriculum
        modules[ident] = module
        dump(content / "modules" / f"{ident}.yaml", module)
    packs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((CONTENT / "packs").glob("*.yaml"))]
    for n, start in enumerate(range(0, size, PACK_SIZE)):
        chosen = ids[start : start + PACK_SIZE]
        pack = copy.deepcopy(packs[n % len(packs)])
        steps = sum(s["minutes"] for s in pack.get("opening", []) + pack.get("closing", []))
        pack["id"], pack["title"], pack["modules"] = f"pack-{n:03d}", f"{pack['title']} ({n + 1})", chosen
        quiz = pack.get("quiz", {}).get("minutes", 15)  # the written quiz is part of a pack's minutes
        pack["minutes"] = steps + sum(modules[m]["minutes"] for m in chosen) + quiz
        available = sum(len(modules[m].get("quiz", [])) for m in chosen)
        pack["quiz"]["questions"] = min(pack["quiz"]["questions"], available)
        dump(content / "packs" / f"pack-{n:03d}.yaml", pack)


def module_ids(size: int) -> list[str]:
    real = sorted(p.stem for p in (CONTENT / "modules").glob("*.yaml"))
    return [f"{real[i % len(real)]}-{i:03d}" for i in range(size)]


def dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def edit_module(path: Path) -> None:
    """Change one sentence of a module's first section, as an author would."""
    module = yaml.safe_load(path.read_text(encoding="utf-8"))
    module["sections"][0]["body"] += "\nOne more sentence, added by the benchmark.\n"
    dump(path, module)


def baseline(project: Path, kinds: list[str]) -> dict:
    """Time WeasyPrint alone rendering, in one fresh process, the HTML documents emcon would lay out."""
    from emcon.build import plan_pack
    from emcon.project import load_project
    from emcon.theme import Theme

    loaded, problems = load_project(project)
    errors = [p for p in problems if p.severity == "error"]
    if loaded is None or errors:
        sys.exit("the synthetic curriculum does not load:\n" + "\n".join(map(str, errors)))
    theme = Theme(loaded.root / "templates")
    documents = [
        (o.pdf.html, o.pdf.base_url)
        for pack in sorted(loaded.curriculum.packs)
        for o in plan_pack(loaded, pack, theme, set(kinds))
        if o.pdf is not None
    ]
    jobs = project / "documents.pickle"
    jobs.write_bytes(pickle.dumps(documents))
    result = measure([sys.executable, "-c", BASELINE, str(jobs)])
    return result | {"pdfs": len(documents), "pages": int(result.pop("stdout").split()[-1])}


def emcon_build(project: Path, only: list[str], jobs: int, *more: str) -> dict:
    """Run one `emcon build` process; return its time, memory, and the PDFs and pages it reports."""
    args = [sys.executable, "-m", "emcon", "build", "--project", str(project), "-j", str(jobs), *only, *more]
    result = measure(args)
    lines = result.pop("stdout").splitlines()  # progress lines, the summary, then where the landing page is
    summary = next(line for line in lines if line.startswith("built "))
    progress = [line for line in lines if line.startswith("[")]
    words = summary.split()  # "built 3 PDFs, 0 unchanged, 33 files, 66 pages in 8.1s -> ..."
    laid_out = [line.split("] ")[1].split(":")[0] for line in progress]  # "[ 1/12] pack/briefing.pdf: 16 pages, 5.2s"
    return result | {"pdfs": int(words[1]), "pages": int(words[7]), "laid_out": laid_out}


def measure(args: list[str]) -> dict:
    """Run a process to its end; return its wall time, its output and the peak memory of it or its workers."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO)
    stdout = process.stdout.read().decode()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)  # usage covers the process and the workers it waited for
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(args[:4])} ... failed with exit code {process.returncode}:\n{stdout}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu": cpu, "stdout": stdout, "peak": usage.ru_maxrss * 1024}


def print_table(rows: list[dict], kinds: list[str], load: tuple[float, float], total: float) -> None:
    """Print the measurements, then every target with its measured value."""
    print(
        f"\nemcon benchmark: {os.cpu_count()} cores, load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
    )
    print(f"kinds built: {', '.join(kinds)}\n")
    print("| modules | step | seconds | CPU seconds | PDFs laid out | pages | s/page | peak MiB |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        per_page = f"{r['seconds'] / r['pages']:.3f}" if r["step"].startswith(("full", "WeasyPrint")) else "-"
        print(
            f"| {r['size']} | {r['step']} | {r['seconds']:.2f} | {r['cpu']:.2f} | {r['pdfs']} | {r['pages']} "
            f"| {per_page} | {r['peak'] / 2**20:.0f} |"
        )
    print()
    steps = {(r["size"], r["step"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    for size in sizes:
        base, one, two = (steps[size, s] for s in ("WeasyPrint alone", "full build -j1", "full build -j2"))
        noop, edit = steps[size, "no-op rebuild"], steps[size, "one module edited"]
        ratio = one["seconds"] / base["seconds"]
        cpu = f"CPU: {one['cpu'] / base['cpu']:.3f}"
        target(f"{size} modules: -j1 / baseline", ratio, "<= 1.10", ratio <= 1.10, cpu)
        ratio = two["seconds"] / base["seconds"]
        target(f"{size} modules: -j2 / baseline", ratio, "<= 0.60", ratio <= 0.60)
        target(f"{size} modules: no-op seconds", noop["seconds"], "< 0.5", noop["seconds"] < 0.5)
        ratio = noop["seconds"] / two["seconds"]
        target(f"{size} modules: no-op / full -j2", ratio, "< 0.03", ratio < 0.03)
        print(
            f"  {size} modules: one module edited ({module_ids(size)[0]}, in pack-000 only): {edit['pdfs']} of "
            f"{two['pdfs']} PDFs laid out again, in {edit['seconds']:.2f}s: {', '.join(edit['laid_out'])}"
        )
    if len(sizes) >= 2:
        small, large = steps[sizes[0], "full build -j1"], steps[sizes[-1], "full build -j1"]
        per_page = {key: (large[key] / large["pages"]) / (small[key] / small["pages"]) for key in ("seconds", "cpu")}
        ratio = per_page["seconds"]
        target(
            f"s/page of full -j1, {sizes[-1]} / {sizes[0]} modules",
            ratio,
            "0.90-1.10",
            0.90 <= ratio <= 1.10,
            f"CPU: {per_page['cpu']:.3f}",
        )
    peak = max(r["peak"] for r in rows) / GIB
    target("peak memory of any one process, GiB", peak, "< 1", peak < 1)
    print(f"\nthe benchmark took {total:.0f}s")


def target(name: str, value: float, goal: str, met: bool, note: str = "") -> None:
    """Print one target: the measured value, the goal, and whether it was met."""
    print(f"  {name}: {value:.3f} (target {goal}) {'met' if met else 'MISSED'}" + (f"  [{note}]" if note else ""))


if __name__ == "__main__":
    main()
