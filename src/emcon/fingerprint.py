"""Digests of what a build depends on: emcon itself, its libraries, the project's files.

Kept free of heavy imports: a rebuild with nothing changed is decided here
before the content model, the templates or WeasyPrint are loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).parent
INPUT_FOLDERS = ("content", "templates", "emcon.yaml")  # of a project: everything its outputs are made from


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
    return " ".join(f"{name} {_installed_version(metadata, name)}" for name in sorted(set(names)) if name)


def _installed_version(metadata, name: str) -> str:
    """Return a library's version, or 'absent' for an optional one (the grade extra) not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def file_digest(path: Path) -> bytes:
    """Return the SHA-256 of a file, read again only when its size or time changed."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=1024)
def _file_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    with open(path, "rb") as file:  # in pieces: a large file is never held in memory whole
        return hashlib.file_digest(file, "sha256").digest()


def inputs_digest(project_dir: Path, theme_dir: Path, options: dict) -> str | None:
    """Return a digest of every file a build of project_dir reads, with its options; None if no content/."""
    root = project_dir.resolve()
    if not (root / "content").is_dir():
        return None
    digest = hashlib.sha256(f"{toolchain()}\0{json.dumps(options, sort_keys=True)}\0".encode())
    for number, folder in enumerate([root / name for name in INPUT_FOLDERS] + _logo(root)):
        _add_folder(digest, str(number), folder, root)
    _add_folder(digest, "theme", theme_dir, theme_dir.resolve())
    return digest.hexdigest()


def _logo(root: Path) -> list[Path]:
    """Return the logo file emcon.yaml names, if it lies outside content/ and templates/ (those count already)."""
    path = root / "emcon.yaml"
    if not path.is_file():
        return []
    import yaml  # only for a project with settings; the content model is still not needed

    try:
        logo = yaml.safe_load(path.read_text(encoding="utf-8")).get("logo")
        target = (root / logo).resolve()
    except Exception:  # an unreadable emcon.yaml: loading it reports why, and the build stops there
        return []
    inside = target.is_relative_to(root) and not target.is_relative_to(root / "content")
    return [target] if inside and not target.is_relative_to(root / "templates") else []


def pack_digest(
    root: Path, theme_dir: Path, options: dict, pack_ids: list[str], module_ids: list[str], catalog: str | None = None
) -> str:
    """Return a digest of what one pack's outputs are made from.

    That is its own file (and that of the pack it translates), its modules' files,
    its language's catalog, every other content file but modules, packs and catalogs
    (sources, glossary, figures), the themes and the options: a renderer sees no other
    module, pack or language.
    """
    content = root / "content"
    digest = hashlib.sha256(f"{toolchain()}\0{json.dumps(options, sort_keys=True)}\0".encode())
    own = [content / "packs" / f"{p}.yaml" for p in pack_ids] + [content / "modules" / f"{m}.yaml" for m in module_ids]
    own += [content / "locale" / catalog] if catalog else []
    root = root.resolve()
    for path in own:
        _add_file(digest, "own", path, content, root)
    records = (content / "modules", content / "packs", content / "locale")
    for number, folder in enumerate([content, root / "templates", root / "emcon.yaml", *_logo(root)]):
        _add_folder(digest, str(number), folder, root, skip=records)
    _add_folder(digest, "2", theme_dir, theme_dir.resolve())
    return digest.hexdigest()


def _add_folder(digest, label: str, folder: Path, inside: Path, skip: tuple[Path, ...] = ()) -> None:
    """Add every file under folder, but those under skip, with its path to digest.

    Links are not followed into folders; a linked file counts by its bytes only if it
    lies inside `inside` (the project, or the theme), else by where it points.
    """
    if not folder.is_dir() or folder.is_symlink():
        if os.path.lexists(folder):
            _add_file(digest, label, folder, folder.parent, inside)
        return
    for current, dirs, names in os.walk(folder):  # followlinks=False: a linked folder is listed, not entered
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(current, d))]):
            path = Path(current, name)
            if not any(path.is_relative_to(s) for s in skip):
                _add_file(digest, label, path, folder, inside)


def _add_file(digest, label: str, path: Path, folder: Path, inside: Path) -> None:
    # File names are bytes to the system: one that is not UTF-8 is hashed as it is (the loader reports it).
    digest.update(label.encode() + b"\0" + os.fsencode(path.relative_to(folder).as_posix()) + b"\0")
    digest.update(_content_digest(path, inside))


def _content_digest(path: Path, inside: Path) -> bytes:
    """Return what a file counts as: its bytes' digest if it is (or links to) a regular file inside `inside`.

    A broken link, a link out, a folder link or a pipe counts too, by what it is: loading it is an
    error the build must report, and nothing outside is ever read here.
    """
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if not target.is_relative_to(inside) or not target.is_file():
                return b"link\0" + os.fsencode(os.readlink(path))
        elif not stat.S_ISREG(info.st_mode):
            return b"not a file"
        return file_digest(path)
    except (OSError, RuntimeError):  # unreadable, vanished, or a loop of links
        return b"unreadable"
