"""Digests of what a build depends on: emcon itself, its libraries, the project's files.

Kept free of heavy imports: a rebuild with nothing changed is decided here
before the content model, the templates or WeasyPrint are loaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).parent
INPUT_FOLDERS = ("content", "templates")  # of a project: everything its outputs are made from


@lru_cache(maxsize=1)
def toolchain() -> str:
    """Return a digest of emcon's code and version and the versions of its libraries.

    The code is hashed too, so that a change to a renderer shows in a source
    checkout whose version number has not moved.
    """
    digest = hashlib.sha256(f"emcon {__version__}\0{_library_versions()}\0".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _library_versions() -> str:
    """Return 'name version' of every runtime dependency, read without importing them."""
    from importlib import metadata  # only needed here; costs ~40 ms to import

    names = [re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0] for req in metadata.requires("emcon") or []]
    return " ".join(f"{name} {metadata.version(name)}" for name in sorted(names) if name)


def file_digest(path: Path) -> bytes:
    """Return the SHA-256 of a file, read again only when its size or time changed."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=1024)
def _file_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def inputs_digest(project_dir: Path, theme_dir: Path, options: dict) -> str | None:
    """Return a digest of every file a build of project_dir reads, with its options; None if no content/."""
    root = project_dir.resolve()
    if not (root / "content").is_dir():
        return None
    digest = hashlib.sha256(f"{toolchain()}\0{json.dumps(options, sort_keys=True)}\0".encode())
    for number, folder in enumerate([root / name for name in INPUT_FOLDERS] + [theme_dir]):
        _add_folder(digest, str(number), folder)
    return digest.hexdigest()


def pack_digest(root: Path, theme_dir: Path, options: dict, pack_id: str, module_ids: list[str]) -> str:
    """Return a digest of what one pack's outputs are made from.

    That is its own file and its modules' files, every other content file but
    modules and packs (sources, glossary, figures), the themes and the options:
    a renderer sees no other module or pack.
    """
    content = root / "content"
    digest = hashlib.sha256(f"{toolchain()}\0{json.dumps(options, sort_keys=True)}\0".encode())
    own = [content / "packs" / f"{pack_id}.yaml"] + [content / "modules" / f"{m}.yaml" for m in module_ids]
    for path in own:
        _add_file(digest, "own", path, content)
    records = (content / "modules", content / "packs")
    for number, folder in enumerate([content, root / "templates", theme_dir]):
        _add_folder(digest, str(number), folder, skip=records)
    return digest.hexdigest()


def _add_folder(digest, label: str, folder: Path, skip: tuple[Path, ...] = ()) -> None:
    """Add every file under folder, but those under skip, with its path to digest."""
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()) if folder.is_dir() else []:
        if not any(path.is_relative_to(s) for s in skip):
            _add_file(digest, label, path, folder)


def _add_file(digest, label: str, path: Path, folder: Path) -> None:
    digest.update(f"{label}\0{path.relative_to(folder).as_posix()}\0".encode())
    # A broken link or a pipe is counted too: loading it is an error the build must report.
    digest.update(file_digest(path) if path.is_file() else b"not a file")
