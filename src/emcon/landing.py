"""build/index.html, the instructor's landing page: per pack, what is for learners, for the instructor, for the LMS.

It is made from the staged build's manifests, so packs carried over from an earlier build
appear too. A kind it does not know yet is listed under "More files", never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import Pack
from .settings import Settings
from .theme import Theme
from .writer import read_manifest

# Kinds by who uses them, in the order a reader looks for them. The key stays apart from
# everything a learner may see.
GROUPS = (
    ("learners", ("briefing-pdf", "briefing-html", "quiz-html", "card-pdf", "exercise-pdf")),
    ("instructor", ("instructor-pdf", "slides-pdf", "notes-pdf", "slides-pptx", "quiz-pdf", "answer-sheet-pdf")),
    ("key", ("key-pdf",)),
    ("lms", ("gift", "moodle-xml", "qti21", "qti12-canvas")),
)
# Of the briefing website only its front page is listed (the module pages and assets hang off it).
SHOWN_HTML = {"briefing.html": "briefing-html", "site/index.html": "briefing-site"}


@dataclass(frozen=True)
class Entry:
    """One file on the landing page."""

    name: str  # key into the strings' `kinds`
    form: str | None
    path: str
    pages: int | None
    size: int | None  # bytes; None if the file cannot be read


def index_html(theme: Theme, root: Path, packs: dict[str, Pack], settings: Settings | None = None) -> str:
    """Return build/index.html for the staged build in root."""
    settings = settings or Settings()
    listed = []
    for pack_dir in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda d: _order(d.name, packs)):
        entries = [_entry(e, pack_dir) for e in read_manifest(pack_dir).values() if _shown(e)]
        pack = packs.get(pack_dir.name)
        language = pack.language if pack else "en"
        words = theme.strings(language)  # each pack is listed in its own language
        audience = settings.audience_name(pack.audience, language, words) if pack else ""
        listed.append(
            {
                "id": pack_dir.name,
                "pack": pack,
                "audience": audience,
                "groups": group(entries),
                "language": language,
                "t": words,
            }
        )
    languages = {p["language"] for p in listed}
    language = languages.pop() if len(languages) == 1 else "en"  # the page's own words: the packs' one language
    return theme.render("index.html", packs=listed, t=theme.strings(language), language=language)


def group(entries: list[tuple[str, Entry]]) -> list[tuple[str, list[Entry]]]:
    """Return (group, entries) in the landing page's order; kinds of no group go under 'more'."""
    known = {kind: (g, i) for g, kinds in GROUPS for i, kind in enumerate(kinds)}
    groups: dict[str, list] = {g: [] for g, _ in GROUPS} | {"more": []}
    for kind, entry in entries:
        g, rank = known.get(kind, ("more", len(known)))
        groups[g].append((rank, entry.name, entry.form or "", entry.path, entry))
    return [(g, [row[-1] for row in sorted(rows)]) for g, rows in groups.items() if rows]


def _order(pack_id: str, packs: dict[str, Pack]) -> tuple:
    pack = packs.get(pack_id)
    return (0, pack.title.casefold()) if pack else (1, pack_id)


def _shown(entry: dict) -> bool:
    return entry["kind"] != "briefing-html" or entry["path"] in SHOWN_HTML


def _entry(entry: dict, pack_dir: Path) -> tuple[str, Entry]:
    kind, path = entry["kind"], entry["path"]
    name = SHOWN_HTML.get(path, kind) if kind == "briefing-html" else kind
    try:
        size = (pack_dir / path).stat().st_size
    except OSError:
        size = None
    return kind, Entry(name, entry.get("form"), path, entry.get("pages"), size)
