"""Find a curriculum's files, load and validate them into one Project."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import checks
from .errors import NoCurriculum, Problem
from .loader import UNREADABLE, Document, Loc, read_document
from .model import Curriculum, GlossaryTerm, Module, Pack, Source
from .settings import SETTINGS_FILE, Settings
from .validate import salvage_record, type_name, validate_record

CONTENT = "content"
# The fields of a module that cite sources or use glossary terms: when one lost parts, "used nowhere" is unknown.
CITING = frozenset({"quotes", "case_studies", "quiz", "glossary", "per_audience"})


@dataclass(frozen=True)
class Project:
    """A loaded curriculum folder: the model plus where each record came from."""

    root: Path
    curriculum: Curriculum
    origins: dict[tuple[str, str], tuple[Document, Loc]] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()  # ids of module files that failed to load: no follow-on errors
    unread: frozenset[str] = frozenset()  # "source", "glossary term": their file could not be read, ids unknown
    broken_packs: frozenset[str] = frozenset()  # pack files that failed to load: the modules they list are unknown
    settings: Settings = field(default_factory=Settings)  # emcon.yaml, or neutral defaults without it
    settings_doc: Document | None = None  # emcon.yaml as read, for path:line problems; None without it
    logo: Path | None = None  # the logo file emcon.yaml names, once checked
    catalogs: dict = field(default_factory=dict)  # language -> its catalog (content/locale/LANG.po), for packs in it
    translations: dict = field(default_factory=dict)  # language -> i18n.apply.Translation, made when first asked
    # Records that failed validation, with the parts that failed left out: check looks at them too,
    # so one run reports every problem. Never built: the curriculum holds only the records that passed.
    salvaged: Curriculum = field(default_factory=lambda: Curriculum({}, {}, {}, {}))
    damaged: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # their fields that lost parts
    failed_ids: dict[str, frozenset[str]] = field(default_factory=dict)  # "source", ... -> ids of records given up

    def problem(self, kind: str, ident: str, loc: Loc, message: str, severity: str = "error") -> Problem:
        """Return a Problem at the line of loc inside the record kind/ident."""
        doc, base = self.origins[(kind, ident)]
        return doc.problem(base + tuple(loc), message, severity)

    def raw(self, kind: str, ident: str) -> object:
        """Return the record kind/ident as read from its file, before validation."""
        doc, base = self.origins[(kind, ident)]
        data = doc.data
        for part in base:
            data = data[part]
        return data

    def citations_known(self) -> bool:
        """Tell whether every module's sources and glossary terms are known (no module lost them by failing)."""
        given_up = self.broken - self.curriculum.modules.keys()
        damaged = (fields for (kind, _), fields in self.damaged.items() if kind == "module")
        return not given_up and not any(fields & CITING for fields in damaged)

    @property
    def readable(self) -> Project:
        """Return this project with the salvaged records beside the valid ones, for the checks of one record."""
        cur, more = self.curriculum, self.salvaged
        merged = Curriculum(
            {**cur.modules, **more.modules},
            {**cur.packs, **more.packs},
            {**cur.sources, **more.sources},
            {**cur.glossary, **more.glossary},
        )
        return replace(self, curriculum=merged)

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT


def shown_path(path: Path) -> str:
    """Return path as the user should see it: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else Path(rel).as_posix()


def load_project(root: Path, sources_dir: Path | None = None) -> tuple[Project, list[Problem]]:
    """Load and check every file of the curriculum at root; return it with all problems found."""
    root = root.resolve()
    content = root / CONTENT
    if not content.is_dir():
        raise NoCurriculum(root)
    loading = _Loading(root)
    loading.problems += _unreadable_names(content)
    settings, settings_doc = load_settings(root, loading.problems)
    modules, module_files = loading.named(content / "modules", Module, "module")
    packs, pack_files = loading.named(content / "packs", Pack, "pack")
    # Every setting a pack leaves out comes from emcon.yaml (a pack that inherits another's must do so before this).
    packs = {ident: settings.apply(pack) for ident, pack in packs.items()}
    salvaged_packs = loading.salvaged.get("packs", {})
    loading.salvaged["packs"] = {ident: settings.apply(pack) for ident, pack in salvaged_packs.items()}
    sources = loading.listed(content / "sources.yaml", Source, "source")
    glossary = loading.listed(content / "glossary.yaml", GlossaryTerm, "term")
    curriculum = Curriculum(modules=modules, packs=packs, sources=sources, glossary=glossary)
    catalogs = _load_catalogs(content, {p.language for p in packs.values()}, loading.problems)
    project = Project(
        root,
        curriculum,
        loading.origins,
        broken=frozenset(module_files - modules.keys()),
        unread=frozenset(loading.unread),
        broken_packs=frozenset(pack_files - packs.keys()),
        settings=settings,
        settings_doc=settings_doc,
        logo=_logo(root, settings, settings_doc, loading.problems),
        salvaged=Curriculum(**{kind: loading.salvaged.get(kind, {}) for kind in KINDS.values()}),
        damaged=loading.damaged,
        failed_ids={kind: frozenset(ids) for kind, ids in loading.failed_ids.items()},
        catalogs=catalogs,
    )
    problems = loading.problems + checks.check_project(project, sources_dir)
    return project, problems


KINDS = {"module": "modules", "pack": "packs", "source": "sources", "term": "glossary"}  # kind -> Curriculum field
NOUNS = {"term": "glossary term"}  # kind -> the words problems use for it


def load_settings(root: Path, problems: list[Problem]) -> tuple[Settings, Document | None]:
    """Read emcon.yaml at root; return its settings (neutral defaults if absent or invalid) and its document."""
    path = root / SETTINGS_FILE
    if not os.path.lexists(path):
        return Settings(), None
    doc, found = read_document(path, shown_path(path), inside=root)
    problems += found
    if doc is None:
        return Settings(), None
    settings, found = validate_record(doc, Settings)
    problems += found
    if settings is None:  # the parts that did validate still serve the checks, so check reports all in one round
        settings, _ = salvage_record(doc, Settings)
    return settings or Settings(), doc


def _logo(root: Path, settings: Settings, doc: Document | None, problems: list[Problem]) -> Path | None:
    """Return the logo file emcon.yaml names, inside the project and a picture; else report why and return None."""
    from .loader import Refused, confined

    if settings.logo is None or doc is None:
        return None
    try:
        path = confined(root, settings.logo, "logo file")
    except Refused as refused:
        problems.append(doc.problem(("logo",), f"logo: {refused}"))
        return None
    kind = path.suffix.lower()
    if kind not in (".svg", ".png"):
        problems.append(doc.problem(("logo",), f"logo: '{settings.logo}' is not an SVG or PNG file"))
        return None
    why = _svg_problem(path) if kind == ".svg" else _png_problem(path)
    if why:
        problems.append(doc.problem(("logo",), f"logo: {settings.logo}, {why}"))
        return None
    return path


def _svg_problem(path: Path) -> str | None:
    from .svg import svg_problem

    return svg_problem(path)


def _png_problem(path: Path) -> str | None:
    with path.open("rb") as file:
        return None if file.read(8) == b"\x89PNG\r\n\x1a\n" else "is not a PNG image"


def _unreadable_names(content: Path) -> list[Problem]:
    """Return a problem for every file or folder under content/ whose name is not UTF-8 (links not followed)."""
    problems = []
    for folder, dirs, names in os.walk(content):
        for name in sorted(dirs + names):
            if not _utf8(name):
                shown = os.fsencode(shown_path(Path(folder, name))).decode("utf-8", "backslashreplace")
                problems.append(Problem(shown, 1, "the file name is not valid UTF-8; rename it"))
        dirs[:] = sorted(d for d in dirs if _utf8(d))
    return problems


def _utf8(name: str) -> bool:
    """Tell whether a file name (as os gives it: undecodable bytes as surrogates) is valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _load_catalogs(content: Path, languages: set[str], problems: list[Problem]) -> dict:
    """Read the catalog of every language a pack is in but the content's own (a missing one is a check warning)."""
    from .i18n.apply import SOURCE_LANGUAGE
    from .i18n.catalog import read_catalog

    catalogs = {}
    for language in sorted(languages - {SOURCE_LANGUAGE}):
        path = content / "locale" / f"{language}.po"
        if os.path.lexists(path):
            catalog, found = read_catalog(content, path.name, shown_path(path))
            problems += found
            if catalog is not None:
                catalogs[language] = catalog
    return catalogs


def inherit(doc: Document, docs: dict[str, Document], problems: list[Problem]) -> bool:
    """Give a pack that `translates` another every key of it but id and language; return False if it cannot load.

    Inherited values are shown at the line of `translates:`; a pack it names that does not
    load is reported in its own file, and the translating pack is left out without more noise.
    """
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("translates"), str):
        return True  # validation says what is wrong with the key, if anything
    name = data["translates"]
    base = docs.get(name)
    if base is None or not isinstance(base.data, dict) or "translates" in base.data:
        known = sorted(k for k, d in docs.items() if isinstance(d.data, dict) and "translates" not in d.data)
        why = "translates another pack itself" if base is not None else "is not a pack"
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close and base is None else ""
        problems.append(doc.problem(("translates",), f"translates: '{name}' {why}{hint}; name a pack written in full"))
        return False
    if "language" not in data:
        problems.append(doc.problem(("translates",), "translates: a translating pack needs its own `language`"))
        return False
    record, _ = validate_record(base, Pack)
    if record is None:
        return False  # reported in the pack it translates
    line = doc.line(("translates",))
    inherited = {k: v for k, v in base.data.items() if k not in ("id", "language") and k not in data}
    doc.lines.update({(key,): line for key in inherited})
    doc.data = data | inherited
    return True


class _Loading:
    """What loading the files of a curriculum has found so far: records, their origins, problems."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.origins: dict[tuple[str, str], tuple[Document, Loc]] = {}
        self.salvaged: dict[str, dict] = {}  # "modules" -> {id: record}, ...
        self.damaged: dict[tuple[str, str], frozenset[str]] = {}
        self.failed_ids: dict[str, set[str]] = {}
        self.unread: set[str] = set()

    def named(self, folder: Path, cls, kind: str) -> tuple[dict, set]:
        """Load one record per file (the file name is its id); return the records and the ids of every file tried."""
        records, tried, docs = {}, set(), {}
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if not _utf8(path.name):
                continue  # reported by _unreadable_names
            if path.suffix != ".yaml":
                if path.suffix.lower() in (".yml", ".yaml"):  # it would be left out unseen
                    message = f"content files end in .yaml: rename it {path.stem}.yaml"
                    self.problems.append(Problem(shown_path(path), 1, message))
                continue
            tried.add(path.stem)
            doc, found = read_document(path, shown_path(path), inside=self.root)
            self.problems += found
            if doc is not None:
                docs[path.stem] = doc
        for stem, doc in docs.items():
            if cls is Pack and not inherit(doc, docs, self.problems):
                continue
            record, whole = self.validate(doc, cls, kind, ())
            if record is None:
                continue
            if record.id != stem:
                self.problems.append(doc.problem(("id",), f"id: '{record.id}' must match the file name '{stem}'"))
            elif record.id in records:
                self.problems.append(doc.problem(("id",), f"id: '{record.id}' is used by another {kind}"))
            elif whole:
                records[record.id] = record
                self.origins[(kind, record.id)] = (doc, ())
            else:
                self.keep_salvaged(kind, record, doc, ())
        return records, tried

    def listed(self, path: Path, cls, kind: str) -> dict:
        """Load a file that holds a list of records (sources, glossary)."""
        if not path.exists():
            return {}
        doc, found = read_document(path, shown_path(path), inside=path.parent.parent)  # the project
        self.problems += found
        noun = NOUNS.get(kind, kind)
        if doc is None or doc.data is UNREADABLE:
            self.unread.add(noun)
            return {}
        if not isinstance(doc.data, list):
            self.unread.add(noun)
            self.problems.append(doc.problem((), f"expected a list of {noun} records, got {type_name(doc.data)}"))
            return {}
        by_id = {}
        for i, raw in enumerate(doc.data):
            record, whole = self.validate(doc, cls, kind, (i,))
            if record is None:
                if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    self.failed_ids.setdefault(noun, set()).add(raw["id"])
                continue
            if record.id in by_id or (kind, record.id) in self.origins:
                self.problems.append(doc.problem((i, "id"), f"[{i}].id: '{record.id}' is defined twice"))
            elif whole:
                by_id[record.id] = record
                self.origins[(kind, record.id)] = (doc, (i,))
            else:
                self.keep_salvaged(kind, record, doc, (i,))
        return by_id

    def validate(self, doc: Document, cls, kind: str, loc: Loc):
        """Return the record at loc (salvaged if it fails) and whether it is whole; note its problems."""
        record, found = validate_record(doc, cls, loc)
        self.problems += found
        if record is not None:
            return record, True
        record, damaged = salvage_record(doc, cls, loc)
        if record is not None and damaged:
            self.damaged[(kind, record.id)] = damaged
        return record, not damaged

    def keep_salvaged(self, kind: str, record, doc: Document, loc: Loc) -> None:
        self.salvaged.setdefault(KINDS[kind], {})[record.id] = record
        self.origins[(kind, record.id)] = (doc, loc)
