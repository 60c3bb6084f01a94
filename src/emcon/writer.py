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
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .errors import BuildError

MANIFEST = "manifest.json"
STAMP = ".emcon-build.json"  # in the output folder: what the build was made from, and what it holds
RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one step
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC  # not through a link, not over a file
LOCK_FDS: set[int] = set()  # the build locks this process holds: worker processes close their copies


def create_file(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write a new file at path; refuse to follow a link there or to replace anything (O_EXCL, O_NOFOLLOW)."""
    fd = os.open(path, NEW_FILE, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def make_folders(root: Path, relpath: PurePosixPath) -> Path:
    """Create the folders of relpath under root one by one, refusing any that is a link; return the last."""
    folder = root
    for part in relpath.parts:
        folder = folder / part
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise OSError(errno.ENOTDIR, "not a folder (or a link)", str(folder)) from None
    return folder


def regular_inside(root: Path, path: Path) -> bool:
    """Tell whether path is a regular file under root, reached through real folders only (no link on the way)."""
    try:
        parts = path.relative_to(root).parts
        if not parts or stat.S_ISLNK(os.lstat(root).st_mode):
            return False
        folder = root
        for part in parts[:-1]:
            folder = folder / part
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return False
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_inside(root: Path, path: Path, limit: int = 64 << 20) -> bytes | None:
    """Return the bytes of a regular file under root, reached through no link (None if it is not one)."""
    if not regular_inside(root, path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read(limit)


def safe_relpath(relpath: str) -> PurePosixPath:
    """Return relpath if it names a file strictly inside a folder: relative, no '..', '.' or empty parts."""
    path = PurePosixPath(relpath)
    parts = relpath.split("/")
    if path.is_absolute() or "\\" in relpath or "\0" in relpath or any(p in ("", ".", "..") for p in parts):
        raise BuildError(f"refusing to write {relpath!r}: an output path must stay inside the output folder")
    return path


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on out for the duration of a build; stop first if out may not be replaced.

    The lock is flock() on an open file: it goes when the process holding it dies, however it dies,
    so a killed build never leaves a stale lock (its workers close their copies of the descriptor).
    """
    check_replaceable(out)
    lock_path = out.parent / f".{out.name}.emcon-lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(f"{lock_path} is a symbolic link; emcon does not follow it: remove it") from None
        raise _write_error(exc, out) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BuildError(f"{lock_path} is not a regular file; remove it")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another emcon build is writing {out}; wait for it to finish and try again") from None
        LOCK_FDS.add(fd)
        yield
    finally:
        LOCK_FDS.discard(fd)
        os.close(fd)


def check_replaceable(out: Path) -> None:
    """Stop unless out is missing, empty, or an earlier build: the whole folder is replaced.

    An earlier build is told by emcon's own stamp in out itself, a regular file that reads as
    a stamp; nothing deeper in the folder counts (a manifest.json in a subfolder may be anyone's).
    """
    if out.is_symlink():
        raise BuildError(f"{out} is a symbolic link; name the folder it points to, or a new folder, as the output")
    if not out.exists():
        return
    if not out.is_dir():
        raise BuildError(f"{out} is a file; the output must be a folder")
    if any(out.iterdir()) and not is_build(out):
        raise BuildError(
            f"{out} holds files that are not an emcon build; a build replaces its whole output folder, "
            "so name a new or empty folder (or the build/ folder of an earlier build)"
        )


def is_build(folder: Path) -> bool:
    """Tell whether folder is an earlier emcon build: it holds emcon's stamp (a regular file, not a link)."""
    stamp = read_stamp(folder)
    return isinstance(stamp.get("sizes"), dict) and "inputs" in stamp


def read_stamp(out: Path) -> dict:
    """Return the stamp of the build in out ({} if none, unreadable, or not a regular file of out's own)."""
    try:
        stamp = json.loads(read_inside(out, out / STAMP) or b"")
    except ValueError:
        return {}
    return stamp if isinstance(stamp, dict) else {}


def check_output_place(out: Path, project_root: Path, theme_dir: Path) -> None:
    """Refuse an output folder that is, holds or lies inside the project's inputs (a build replaces it whole)."""
    out, root = out.resolve(), project_root.resolve()
    inputs = [root / "content", root / "templates", root / ".emcon", theme_dir.resolve()]
    if root.is_relative_to(out):
        where = "the project folder itself" if out == root else f"a folder holding the project {root}"
    elif any(out.is_relative_to(folder) for folder in inputs):
        folder = next(folder for folder in inputs if out.is_relative_to(folder))
        where = f"inside the project's inputs ({folder})" if out != folder else f"the project's inputs ({folder})"
    else:
        return
    raise BuildError(
        f"the output folder {out} is {where}; a build replaces its whole output folder, "
        "so name a folder outside content/ and templates/, such as build/"
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
            info = os.lstat(stale)
            if not stat.S_ISDIR(info.st_mode):  # not ours (a link shipped in a project): never follow it
                os.unlink(stale)
            elif stale.name.endswith("-old") and not os.path.lexists(out):
                os.rename(stale, out)  # killed between the two renames of commit(): the previous build is back
            else:
                shutil.rmtree(stale, ignore_errors=True)
        # Not tempfile.mkdtemp: its 0700 would become build/'s mode; os.mkdir honours the umask.
        self.root = out.parent / f".{out.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
        self.root.mkdir()

    @_reported
    def write(self, relpath: str, data: bytes) -> None:
        """Write a file of the build: the one way bytes reach the staging folder (see _target)."""
        path = self._target(relpath)
        if os.path.lexists(path):
            os.unlink(path)  # never write through a hard link into the previous build
        create_file(path, data)

    @_reported
    def reuse(self, relpath: str, previous: Path) -> None:
        """Take an unchanged file from the previous build without copying its bytes."""
        path = self._target(relpath)
        if not regular_inside(self.out, previous):
            raise BuildError(f"refusing to reuse {previous}: not a file of the previous build {self.out}")
        try:
            os.link(previous, path, follow_symlinks=False)
        except OSError:
            with open(previous, "rb") as source:
                create_file(path, source.read())

    def _target(self, relpath: str) -> Path:
        """Return where relpath goes in the staging folder, proven to stay inside it.

        relpath has no '..', '.', empty or absolute parts, and its folders are made here one by
        one, none of them a link: the path cannot lead out of the staging folder.
        """
        path = safe_relpath(relpath)
        folder = make_folders(self.root, path.parent)
        return folder / path.name

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
    """Return a previous build's manifest entries by path ({} if none, unreadable, or reached through a link)."""
    try:
        data = json.loads(read_inside(pack_dir.parent, pack_dir / MANIFEST) or b"")
        return {e["path"]: e for e in data["outputs"]}
    except (ValueError, KeyError, TypeError):
        return {}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
