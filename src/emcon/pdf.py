"""Render HTML to PDF with WeasyPrint, confined to the project's own files.

WeasyPrint is imported only inside the functions here, so that work that needs
no PDF (checks, HTML, a rebuild with nothing changed) never pays for loading it.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit


class RenderError(Exception):
    """WeasyPrint failed, warned, or tried to read something it may not."""


def confined_fetcher(roots: list[Path]):
    """Return a URLFetcher that reads data: URLs and files under roots, nothing else."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = [r.resolve() for r in roots]

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"refused to fetch {url}: only the project's own files may be read")
            path = Path(unquote(parts.path)).resolve()  # resolve() follows symlinks out of the project
            if not any(path.is_relative_to(root) for root in allowed):
                raise FatalURLFetchingError(f"refused to read {path}: it is outside the project")
            if not path.is_file():  # also keeps a FIFO or device from blocking the build
                raise FatalURLFetchingError(f"{path} is not a file")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": kind})

    return ConfinedFetcher()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_pdf(html: str, base_url: str, roots: list[Path]) -> tuple[bytes, int]:
    """Render one HTML document; return the PDF bytes and its page count."""
    import weasyprint

    from . import pdfua

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        fetcher = confined_fetcher(roots)
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        # A stable identifier keeps rebuilds byte-identical.
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        data = pdfua.finish(document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier), html)
    except BaseException as exc:  # FatalURLFetchingError is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise RenderError(str(exc) or type(exc).__name__) from None
    finally:
        logger.removeHandler(collect)
    if collect.messages:
        raise RenderError("; ".join(dict.fromkeys(collect.messages)))
    return data, len(document.pages)
