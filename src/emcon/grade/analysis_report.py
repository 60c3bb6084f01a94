"""item-analysis.html and item-analysis.pdf: the item statistics, misbehaving items first, with small bar plots."""

from __future__ import annotations

from pathlib import Path

from ..model import Pack
from ..outputs import Links
from ..project import Project
from ..settings import pack_settings
from ..theme import Theme
from .analysis import Analysis
from .report import write_private


def write_analysis(project: Project, pack: Pack, stats: Analysis, out: Path) -> None:
    """Write the item analysis as a self-contained HTML page and as a PDF."""
    from ..pdf import render_pdf

    theme = Theme(project.root / "templates")
    t = theme.strings(pack.language)
    settings = pack_settings(project.settings, pack, t, project.logo is not None)

    def page(mode: str) -> tuple[str, Links]:
        links = Links(mode, theme, project.content_dir)
        html = theme.render("item-analysis.html", pack=pack, t=t, links=links, a=stats, target=mode, settings=settings)
        return html, links

    html, _ = page("inline")
    write_private(out / "item-analysis.html", html.encode())
    html, _ = page("file")
    roots = [project.root, *theme.search_path]
    data, _ = render_pdf(html, project.root.as_uri() + "/", roots)
    write_private(out / "item-analysis.pdf", data)
