"""Measure `emcon grade`: sheets per second at 200 dpi, on one core and with --jobs.

    python benchmarks/grade_bench.py                 # 100 sheets, --jobs 1 and 2
    python benchmarks/grade_bench.py --sheets 40 --jobs 1 2 4

The script builds soldier-basic's answer sheets into a temporary folder, fills
that many sheets as the tests do (tests/sheet_corpus.py: pens and pencils,
blanks, erasures, double and faint marks), renders them at 200 dpi as a
sheet-feed scanner would (PNG files: slight rotation, some upside down, a
little blur and noise), then runs `emcon grade` on them once per --jobs value,
each as its own process, and prints wall and CPU seconds and sheets per second.
It then reads the sheets once more inside its own process, to give the CPU time per sheet
without the start-up (Python, content, the item analysis PDF). The goal is at least 5 sheets
a second on one core. Run it on an idle machine: on a busy one, read the CPU columns.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

PACK = "soldier-basic"
DPI = 200
GOAL = 5.0  # sheets a second on one core


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sheets", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    import cv2

    from emcon.grade.run import Sheets
    from emcon.project import load_project
    from sheet_corpus import fill, photograph, random_plan, render_page

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        emcon = [sys.executable, "-m", "emcon"]
        subprocess.run(
            [*emcon, "build", "--project", REPO, "--out", tmp / "build", "--only", "answer-sheet-pdf", PACK],
            check=True,
            capture_output=True,
        )
        project, _ = load_project(REPO)
        pack = project.curriculum.packs[PACK]
        sheets = Sheets(pack, project.curriculum.pack_modules(pack))
        scans = tmp / "scans"
        scans.mkdir()
        started = time.perf_counter()
        for n in range(args.sheets):
            form = sorted(sheets.forms)[n % len(sheets.forms)]
            page = next(p for p in sheets.pages.values() if p.form == form and p.page == 1)
            blank = render_page(tmp / "build" / PACK / f"answer-sheet-{form}.pdf", 1, DPI)
            rng = random.Random(n)
            filled = fill(blank, page, DPI, rng, f"{n:08d}", random_plan(page, rng, pen=n % 2 == 0))
            cv2.imwrite(str(scans / f"scan-{n:04d}.png"), photograph(filled.image, rng, phone=False))
        print(f"made {args.sheets} sheets at {DPI} dpi in {time.perf_counter() - started:.1f}s")
        print(f"{'jobs':>4} {'wall s':>8} {'CPU s':>8} {'sheets/s':>9} {'CPU s/sheet':>12}")
        for jobs in args.jobs:
            out = tmp / f"out-{jobs}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                [*emcon, "grade", "--project", REPO, PACK, scans, "--out", out, "--jobs", str(jobs)],
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            with (out / "results.csv").open(encoding="utf-8-sig") as f:
                graded = sum(1 for row in csv.DictReader(f) if row["result"] != "not read")
            assert graded == args.sheets, f"only {graded} of {args.sheets} sheets graded"
            print(f"{jobs:>4} {wall:>8.1f} {cpu:>8.1f} {args.sheets / wall:>9.1f} {cpu / args.sheets:>12.3f}")
        print("(wall includes starting Python, loading the content and writing the item analysis PDF once)")
        # Each sheet alone, in this process: load the image, read, score, write its annotated image.
        from emcon.grade.run import list_tasks, read_all

        tasks, _ = list_tasks([scans])
        started, cpu = time.perf_counter(), time.process_time()
        read_all(tasks, sheets, tmp / "out-inline", 1)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        rate = len(tasks) / cpu
        print(f"per sheet, without start-up: {1000 * cpu / len(tasks):.0f} ms CPU = {rate:.1f} sheets per CPU second")
        verdict = "met" if rate >= GOAL else "missed"
        print(
            f"  ({len(tasks) / wall:.1f} sheets/s wall here now; goal {GOAL}/s on one idle core: {verdict} by CPU time)"
        )


if __name__ == "__main__":
    main()
