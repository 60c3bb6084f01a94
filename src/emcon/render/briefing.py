"""The reader's briefing pack: one PDF, one self-contained HTML file, and a small site."""

from __future__ import annotations

from ..outputs import Output
from .context import PackContext


def render(ctx: PackContext) -> list[Output]:
    """Return the briefing PDF, the single-file HTML and the offline site."""
    outputs = [Output("briefing-pdf", "briefing.pdf", pdf=ctx.pdf_job("briefing.html"))]
    single = ctx.html("briefing.html", ctx.links("inline"), target="html")
    outputs.append(Output("briefing-html", "briefing.html", data=single.encode()))
    return outputs + render_site(ctx)


def render_site(ctx: PackContext) -> list[Output]:
    """Return an index page, a page per module, and the assets they use."""
    links = ctx.links("site")
    pages = [Output("briefing-html", "site/index.html", data=ctx.html("site/index.html", links).encode())]
    for number, module in enumerate(ctx.modules, 1):
        html = ctx.html("site/module.html", links, module=module, number=number)
        pages.append(Output("briefing-html", f"site/{module.id}.html", data=html.encode()))
    assets = [
        Output("briefing-html", f"site/{target}", data=path.read_bytes())
        for target, path in sorted(links.files.items())
    ]
    return pages + assets
