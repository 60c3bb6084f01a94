"""Trace what this process opens, writes, renames and removes, with Python's audit hooks (PEP 578).

Audit hooks see every file Python code opens (open, os.open, io) and every os call that changes the
file system; they do not see what C libraries open themselves (fontconfig finding fonts, for example).
A hook cannot be removed, so one is installed once and records only inside `traced()`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# event -> the positions of its path arguments, and whether the event changes the file system
EVENTS = {
    "open": ((0,), None),  # a write if the mode or flags say so
    "os.rename": ((0, 1), True),  # os.rename and os.replace
    "os.remove": ((0,), True),  # os.remove and os.unlink
    "os.rmdir": ((0,), True),
    "os.mkdir": ((0,), True),
    "os.link": ((0, 1), True),
    "os.symlink": ((1,), True),
    "os.truncate": ((0,), True),
    "os.chmod": ((0,), True),
    "os.chown": ((0,), True),
    "os.utime": ((0,), True),
    "shutil.rmtree": ((0,), True),
    "shutil.copyfile": ((1,), True),
    "shutil.move": ((0, 1), True),
    "tempfile.mkstemp": ((0,), True),  # recorded as "temporary" too: a library's scratch file
    "tempfile.mkdtemp": ((0,), True),
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@dataclass
class Trace:
    """What was done to which path: ("read" or "write", event, real absolute path)."""

    events: list[tuple[str, str, str]] = field(default_factory=list)
    rmtree: str | None = None  # the top of the shutil.rmtree under way: the relative names that follow are in it

    def temporaries(self) -> set[str]:
        """Return the scratch files and folders made with the tempfile module."""
        return {path for _, event, path in self.events if event.startswith("tempfile.")}

    def unnamed(self) -> set[str]:
        """Return the folders an unnamed file was opened in (O_TMPFILE): nothing appears there."""
        return {path for _, event, path in self.events if event == "open unnamed"}

    def paths(self, what: str) -> set[str]:
        return {path for kind, _, path in self.events if kind == what}


_current: Trace | None = None
_guard = threading.local()


def _hook(event: str, args: tuple) -> None:
    trace = _current
    if trace is None or event not in EVENTS or getattr(_guard, "busy", False):
        return
    _guard.busy = True  # the hook's own calls (os.path, os.readlink) raise no events worth recording
    try:
        _record(trace, event, args)
    except Exception as exc:  # noqa: BLE001 - a hook that raises would make the traced call fail
        trace.events.append(("error", event, f"{exc!r} {args!r}"))
    finally:
        _guard.busy = False


def _record(trace: Trace, event: str, args: tuple) -> None:
    positions, writes = EVENTS[event]
    if event == "open":
        mode, flags = args[1], args[2]
        writes = bool((isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags or 0) & WRITE_FLAGS)
        if writes and os.path.isdir(os.fsdecode(args[0]) if isinstance(args[0], bytes) else str(args[0])):
            event = "open unnamed"  # a folder opened for writing: O_TMPFILE (tempfile.TemporaryFile), no name made
    if event == "shutil.rmtree":
        trace.rmtree = os.path.abspath(os.fsdecode(args[0]))
    for position in positions:
        path = args[position] if position < len(args) else None
        if isinstance(path, int) or path is None:  # a file descriptor: its opening was recorded
            continue
        path = os.fsdecode(path) if isinstance(path, bytes) else str(path)
        if os.path.isabs(path):
            if event != "shutil.rmtree" and os.path.abspath(path) != trace.rmtree:
                trace.rmtree = None
        elif event in ("os.remove", "os.rmdir") and isinstance(args[1], int):  # a name in an open folder
            path = os.path.join(os.readlink(f"/proc/self/fd/{args[1]}"), path)
        elif trace.rmtree is not None:  # shutil.rmtree opens the folders under its top by name (never a link)
            path = os.path.join(trace.rmtree, "...", path)
        else:
            path = os.path.abspath(path)
        if event == "open":  # where the bytes really are: links followed
            path = os.path.realpath(path)
        else:  # the entry itself (removing or renaming a link touches the link, not its target)
            path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        trace.events.append(("write" if writes else "read", event, path))


sys.addaudithook(_hook)


@contextlib.contextmanager
def traced() -> Iterator[Trace]:
    """Record the file system events of the code run inside the block."""
    global _current
    trace = Trace()
    _current = trace
    try:
        yield trace
    finally:
        _current = None


def outside(paths: set[str], allowed: list[Path]) -> list[str]:
    """Return the paths (real, absolute) that lie under none of the allowed folders."""
    roots = [os.path.realpath(a).rstrip("/") + "/" for a in allowed]
    return sorted(p for p in paths if not any((p + "/").startswith(r) for r in roots))
