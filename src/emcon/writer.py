"""Stage 4: put a build on disk all at once, or not at all.

Files are written into a staging folder beside the output folder, which is
swapped into place at the end. A build that fails or is killed leaves the
previous output exactly as it was; a lock keeps two builds from interleaving.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

MANIFEST = "manifest.json"
STAMP = ".emcon-build.json"  # in the output folder: what the build was made from, and what it holds
RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one step


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on out for the duration of a build; stop first if out may not be replaced."""
    check_replaceable(out)
    lock_path = out.parent / f".{out.name}.emcon-lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise _write_error(exc, out) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another emcon build is writing {out}; wait for it to finish and try again") from None
        yield
    finally:
        os.close(fd)


def check_replaceable(out: Path) -> None:
    """Stop unless out is missing, empty, or an earlier build: the whole folder is replaced."""
    if not out.exists():
        return
    if not out.is_dir():
        raise BuildError(f"{out} is a file; the output must be a folder")
    entries = list(out.iterdir())
    marked = (out / STAMP).is_file() or any((e / MANIFEST).is_file() for e in entries if e.is_dir())
    earlier_build = marked and not (out / "content").exists()
    if entries and not earlier_build:
        raise BuildError(
            f"{out} holds files that are not an emcon build; a build replaces its whole output folder, "
            "so name a new or empty folder (or the build/ folder of an earlier build)"
        )


def _write_error(exc: OSError, out: Path) -> BuildError:
    """Return a file system's refusal (no permission, read-only, full) as a message for the user."""
    return BuildError(f"cannot write the build to {out}: {exc.strerror or exc} ({exc.filename or out})")


def _reported(method):
    """Report the file system's errors in a Staging method as BuildErrors."""

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except OSError as exc:
            raise _write_error(exc, self.out) from None

    return wrapper


class Staging:
    """A folder that becomes the output folder when the build is complete."""

    @_reported
    def __init__(self, out: Path):
        self.out = out
        for stale in sorted(out.parent.glob(f".{out.name}.staging-*")):  # left by a killed build
            if stale.name.endswith("-old") and not out.exists():
                os.rename(stale, out)  # killed between the two renames of commit(): the previous build is back
            else:
                shutil.rmtree(stale, ignore_errors=True)
        # Not tempfile.mkdtemp: its 0700 would become build/'s mode; os.mkdir honours the umask.
        self.root = out.parent / f".{out.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
        self.root.mkdir()

    @_reported
    def write(self, relpath: str, data: bytes) -> None:
        path = self._target(relpath)
        path.unlink(missing_ok=True)  # never write through a hard link into the previous build
        path.write_bytes(data)

    @_reported
    def reuse(self, relpath: str, previous: Path) -> None:
        """Take an unchanged file from the previous build without copying its bytes."""
        path = self._target(relpath)
        try:
            os.link(previous, path)
        except OSError:
            shutil.copy2(previous, path)

    def _target(self, relpath: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    @_reported
    def commit(self) -> None:
        """Swap the staged folder into place; remove what it replaced."""
        if not self.out.exists():
            os.rename(self.root, self.out)
            return
        if _exchange(self.root, self.out):
            shutil.rmtree(self.root)  # now holds the previous build
            return
        old = self.root.with_name(self.root.name + "-old")
        os.rename(self.out, old)
        os.rename(self.root, self.out)
        shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); return False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result != 0:
        if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            return False
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
    return True


def manifest_bytes(pack_id: str, entries: list[dict]) -> bytes:
    """Return manifest.json for a pack: stable order, stable bytes."""
    ordered = sorted(entries, key=lambda e: e["path"])
    return (json.dumps({"pack": pack_id, "outputs": ordered}, indent=2, ensure_ascii=False) + "\n").encode()


def read_manifest(pack_dir: Path) -> dict[str, dict]:
    """Return a previous build's manifest entries by path ({} if none or unreadable)."""
    try:
        data = json.loads((pack_dir / MANIFEST).read_text(encoding="utf-8"))
        return {e["path"]: e for e in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
