"""Layout workers die with their build: a killed `--jobs 2` build leaves no worker and no lock behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BASE
from emcon.cli import main

MODULE = "content/modules/alpha.yaml"
KINDS = ("--only", "briefing-pdf", "--only", "quiz-pdf")  # three PDFs: the workers start


def children(pid: int) -> set[int]:
    """Return the ids of the processes whose parent is pid."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Tell whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def wait_until(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def slow_project(tmp_path) -> Path:
    """A project whose briefing takes a few seconds to lay out (about 20 pages)."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    text = (root / MODULE).read_text(encoding="utf-8")
    body = "A phone talks to towers, and every tower it talks to hears it. " * 30
    extra = "".join(f"  - heading: Part {n}\n    body: {body}\n" for n in range(30))
    (root / MODULE).write_text(text.replace("key_points:", extra + "key_points:", 1), encoding="utf-8")
    return root


def default_ctrl_c() -> None:
    """Give the build Ctrl-C as a terminal does: a CI runner that starts the tests in the background ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(project: Path) -> tuple[subprocess.Popen, set[int]]:
    """Start a `--jobs 2` build in its own process group; return it once its two workers run."""
    command = [sys.executable, "-m", "emcon", "build", "--project", str(project), *KINDS, "-j", "2"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_ctrl_c,
    )
    workers: set[int] = set()

    def started() -> bool:
        workers.update(children(process.pid))
        return len(workers) >= 2 or process.poll() is not None

    assert wait_until(started), "the workers did not start"
    assert process.poll() is None and len(workers) == 2, "the build ended before it could be killed"
    time.sleep(0.5)  # into layout
    return process, workers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_a_parallel_build_kills_its_workers_and_frees_the_lock(sig, slow_project):
    process, workers = start_build(slow_project)
    try:
        os.kill(process.pid, sig)  # the build alone, as a process manager or the OOM killer would
        process.communicate(timeout=60)
        assert process.returncode == -sig
        assert wait_until(lambda: not any(alive(w) for w in workers), 10), "workers outlived their build"
    finally:
        for worker in workers:  # on failure: leave nothing running
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
    result = CliRunner().invoke(main, ["build", "--project", str(slow_project), "--only", "card-pdf", "-j", "1"])
    assert result.exit_code == 0, result.output  # the lock went with the build
    assert not list(slow_project.glob(".build.staging-*"))


def test_ctrl_c_stops_a_parallel_build_without_a_worker_traceback(slow_project):
    process, workers = start_build(slow_project)
    try:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 1
        *progress, last = stderr.rstrip("\n").split("\n")
        assert last == "Aborted!" and "Traceback" not in stderr, stderr
        # a PDF may finish before Ctrl-C lands: its progress line is all that may come before
        assert all(line == "" or line.startswith(("[", "pack ")) for line in progress), stderr
        assert wait_until(lambda: not any(alive(w) for w in workers), 10), "workers outlived their build"
    finally:
        for worker in workers:
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
    assert not (slow_project / "build").exists()
    assert not list(slow_project.glob(".build.staging-*"))
