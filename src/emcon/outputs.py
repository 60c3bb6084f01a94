"""What renderers return: files ready to write, or PDFs still to lay out.

Renderers do everything but WeasyPrint layout; the build decides which PDF
jobs really need rendering (incremental builds) and runs them (in parallel).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from .errors import BuildError
from .fingerprint import file_digest, toolchain
from .theme import Theme, read_text

# url(...) and @import "..." in a stylesheet: the files it makes WeasyPrint read.
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class PdfJob:
    """An HTML document for WeasyPrint, with every file it may read, rendered when first asked for.

    Rendering waits so that a build of some kinds only (--only) spends nothing on the others.
    """

    def __init__(self, render: Callable[[], tuple[str, tuple[Path, ...]]], base_url: str, roots: tuple[Path, ...]):
        self.render = render  # returns the HTML and the stylesheets, fonts and images it reads
        self.base_url = base_url
        self.roots = roots
        # (other job, finish): once laid out, this PDF is finished with the other job's PDF,
        # finish(this_pdf, other_pdf) -> bytes (the notes pages draw the laid-out slides).
        self.after: tuple[PdfJob, Callable[[bytes, bytes], bytes]] | None = None

    @classmethod
    def of(cls, html: str, base_url: str, roots: tuple[Path, ...], files: tuple[Path, ...]) -> PdfJob:
        """Return a job for HTML that is already rendered."""
        return cls(lambda: (html, files), base_url, roots)

    @cached_property
    def _document(self) -> tuple[str, tuple[Path, ...]]:
        return self.render()

    @property
    def html(self) -> str:
        return self._document[0]

    @property
    def files(self) -> tuple[Path, ...]:
        return self._document[1]

    def key(self) -> str:
        """Return a digest of everything the PDF's bytes depend on."""
        digest = hashlib.sha256(f"{toolchain()}\0".encode())  # emcon's code and version, WeasyPrint's version
        digest.update(self.html.encode())
        for path in sorted(self.files):
            digest.update(f"\0{path.name}\0".encode())
            digest.update(file_digest(path))
        if self.after is not None:
            digest.update(f"\0after\0{self.after[0].key()}".encode())
        return digest.hexdigest()


@dataclass
class Output:
    """One file of a pack's build: its kind and path, and its bytes or PDF job."""

    kind: str
    path: str  # relative to build/<pack>/
    data: bytes | None = None
    pdf: PdfJob | None = None
    form: str | None = None
    extra: dict = field(default_factory=dict)  # more manifest fields

    def __post_init__(self):
        assert (self.data is None) != (self.pdf is None), "an output has bytes or a PDF job"


def figure_path(content_dir: Path, ref: str) -> tuple[Path, str]:
    """Return a figure's file and its normalised path inside content/; raise loader.Refused for one outside."""
    from .loader import confined

    path = confined(content_dir, ref, "figure file")  # the loader's confinement: one rule for every reader
    return path, path.relative_to(content_dir.resolve()).as_posix()


def _data_url(path: Path) -> str:
    """Return an image file as a data: URL, for the one-file HTML."""
    kind = "image/svg+xml" if path.suffix.lower() == ".svg" else f"image/{path.suffix.lower().lstrip('.')}"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


@dataclass
class Links:
    """How a document refers to theme files and figures, for one kind of target.

    mode "file": absolute file URLs, for WeasyPrint;
    mode "site": relative URLs into the site's assets/ folder, copied there;
    mode "inline": everything inside the one HTML file.
    """

    mode: str
    theme: Theme
    content_dir: Path
    files: dict[str, Path] = field(default_factory=dict)  # asset path -> source file
    logo_file: Path | None = None  # emcon.yaml's logo, checked when the project loaded
    figures: dict[str, bytes] = field(default_factory=dict)  # figures/x.svg -> its words translated (i18n stage)

    def logo(self) -> str:
        """Return the URL of the project's logo ("" if it has none)."""
        if self.logo_file is None:
            return ""
        if self.mode == "inline":
            return _data_url(self.logo_file)
        return self._url(f"assets/logo{self.logo_file.suffix.lower()}", self.logo_file)

    def stylesheet(self, name: str) -> Markup:
        """Return the tag that applies a theme stylesheet."""
        path = self.theme.find(name)
        if self.mode == "inline":
            return Markup("<style>\n{}</style>").format(Markup(read_text(path)))
        return Markup('<link rel="stylesheet" href="{}">').format(self._url(f"assets/{name}", path))

    def figure(self, ref: str) -> str:
        """Return the URL of a figure inside content/; an override template can pass anything, so confine it.

        Its output path comes from where the file really is inside content/, never from
        the text of ref: 'figures/../../x/content/a.png' is stored as assets/a.png.
        """
        from jinja2.exceptions import SecurityError

        from .loader import Refused

        try:
            path, rel = figure_path(self.content_dir, str(ref))
        except Refused as refused:
            raise SecurityError(f"figure: {refused}") from None
        if rel in self.figures:  # a figure in the pack's language is one of a kind: inside the document
            return f"data:image/svg+xml;base64,{base64.b64encode(self.figures[rel]).decode()}"
        if self.mode == "inline":
            return _data_url(path)
        return self._url(f"assets/{rel}", path)

    def _url(self, target: str, path: Path) -> str:
        self.files[target] = path
        return path.resolve().as_uri() if self.mode == "file" else target

    def pdf_files(self) -> tuple[Path, ...]:
        """Return the files a PDF reads: its stylesheets and figures, and the fonts, images and imports they name."""
        files = set(self.files.values())
        pending = [p for p in files if p.suffix == ".css"]
        while pending:
            css = pending.pop()
            text = read_text(css)
            for match in CSS_REFERENCE.finditer(text):
                ref = match[1] or match[2]
                if urlsplit(ref).scheme:
                    continue  # data: is inline; any other scheme WeasyPrint's confined fetcher refuses
                path = self._theme_file(css, unquote(ref), text.count("\n", 0, match.start()) + 1)
                if path is not None and path not in files:
                    files.add(path)
                    pending += [path] if path.suffix == ".css" else []
        return tuple(sorted(files))

    def _theme_file(self, css: Path, ref: str, line: int) -> Path | None:
        """Return the file a stylesheet's url() names inside its theme folder (None if missing: layout reports it).

        A url() that leads out of the theme stops the build here, before anything reads it.
        """
        from .loader import Refused, confined
        from .project import shown_path

        real = css.resolve()
        folder = next((d.resolve() for d in self.theme.search_path if real.is_relative_to(d.resolve())), real.parent)
        relative = ref if ref.startswith(("/", "\\")) else (real.parent.relative_to(folder) / ref).as_posix()
        try:
            return confined(folder, relative, "file")
        except Refused as refused:
            if (folder / relative).resolve().is_relative_to(folder) and not relative.startswith(("/", "\\")):
                return None  # inside, but missing: WeasyPrint's layout names it
            where = f"{shown_path(css)}:{line}: url({ref})"
            raise BuildError(f"{where}: {refused}; a stylesheet reads only its theme's files") from None
