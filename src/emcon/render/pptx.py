"""The slide deck as an editable PowerPoint file, laid out from the same slide plan as the PDF.

One python-pptx slide per planned slide, on the "Title Only" layout so that every
slide has a real title (outline view, screen readers). The marking sits at the top
and bottom of every slide, the slide number bottom right, the speaker notes in the
notes pane, the figures as pictures (SVG figures rasterised with CairoSVG, in the
theme's fonts). The bytes depend only on the content: the zip entries carry the
pack's date, and so do the document properties.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..fit import fit_line, width_mm
from ..localize import long_date
from ..markdown import plain_text
from ..outputs import Output
from ..slideplan import Deck, Slide
from .context import PackContext

WIDTH_MM, HEIGHT_MM = 254.0, 142.875  # as the PDF deck: 10 x 5.625 in
LEFT_MM, TOP_MM, RIGHT_MM = 16.0, 17.0, 16.0
BODY_MM = WIDTH_MM - LEFT_MM - RIGHT_MM
FONT, SERIF = "Noto Sans", "Noto Serif"
FIGURE_PX = 1200  # width of a rasterised SVG figure: sharp on a projector (the figure takes about half the width)


def render(ctx: PackContext) -> list[Output]:
    """Return the PowerPoint deck."""
    fonts = ctx.theme.find("fonts/NotoSans-Regular.ttf").parent
    issuer = [
        ctx.settings.organisation,
        f"{ctx.strings['course']} {ctx.settings.course}" if ctx.settings.course else "",
    ]
    masthead = Masthead(ctx.project.logo, tuple(line for line in issuer if line), ctx.settings.organisation)
    figures = ctx.links("file").figures  # SVG figures with their words in the pack's language
    data = deck_pptx(ctx.deck, ctx.pack, ctx.project.content_dir, fonts, ctx.strings, masthead, figures)
    return [Output("slides-pptx", "slides.pptx", data=data)]


@dataclass(frozen=True)
class Masthead:
    """Who issues the deck (emcon.yaml): shown at the top of the title slide, as in the PDF."""

    logo: Path | None = None
    lines: tuple[str, ...] = ()  # organisation, course number
    alt: str = ""

    def add(self, slide, y: float, fonts: Path) -> float:
        """Add the logo and the issuer's lines at y; return the y below them."""
        from pptx.util import Mm

        if self.logo is None and not self.lines:
            return y
        x = LEFT_MM
        if self.logo is not None:
            png, (w, h) = picture(self.logo, fonts)
            width = min(14 * w / h, 60)
            pic = slide.shapes.add_picture(io.BytesIO(png), Mm(x), Mm(y), Mm(width), Mm(width * h / w))
            pic._element.nvPicPr.cNvPr.set("descr", plain(self.alt or "Logo"))
            x += width + 5
        if self.lines:
            text_box(slide, x, y + 1, LEFT_MM + BODY_MM - x, 12, list(self.lines), 16, bold=True)
        return y + 17


def deck_pptx(
    deck: Deck,
    pack,
    content_dir: Path,
    fonts: Path,
    t: dict,
    masthead: Masthead = Masthead(),
    figures: dict | None = None,
) -> bytes:
    """Return the bytes of the .pptx file for a planned deck."""
    from pptx import Presentation
    from pptx.util import Mm

    prs = Presentation()
    prs.slide_width, prs.slide_height = Mm(WIDTH_MM), Mm(HEIGHT_MM)
    layout = prs.slide_layouts[5]  # Title Only
    footer = fit_line(pack.title, 60, 11)
    for planned in deck.slides:
        slide = prs.slides.add_slide(layout)
        furniture(slide, pack.classification, footer, f"{planned.number} / {len(deck.slides)}")
        top = masthead.add(slide, TOP_MM, fonts) - TOP_MM if planned.kind == "title" else 0
        lay_out(slide, planned, pack, content_dir, fonts, t, top, figures or {})
        slide.notes_slide.notes_text_frame.text = "\n".join(deck.notes(planned))
    stamp = datetime.datetime.combine(pack.date, datetime.time(12, 0))
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = plain(pack.title), "emcon", "emcon"
    props.subject, props.keywords = plain(pack.subtitle or ""), pack.classification
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    props.language = pack.language
    out = io.BytesIO()
    prs.save(out)
    return fixed_zip(out.getvalue(), stamp)


def fixed_zip(data: bytes, stamp: datetime.datetime) -> bytes:
    """Return the zip with every entry dated stamp, so that the same deck gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            packed = info.filename.lower().endswith((".png", ".jpeg", ".jpg"))  # compressed already: store them
            entry.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def plain(text: str) -> str:
    return plain_text(" ".join(text.split()))


# ---------------------------------------------------------------- shapes


def text_box(slide, x, y, w, h, lines, size, bold=False, italic=False, font=FONT, align=None, bullet=None, gap=0):
    """Add a text box of paragraphs at x, y (mm), w x h, and return it."""
    from pptx.util import Mm, Pt

    box = slide.shapes.add_textbox(Mm(x), Mm(y), Mm(w), Mm(h))
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = (f"{bullet(i)} " if bullet else "") + line
        run.font.size, run.font.bold, run.font.italic, run.font.name = Pt(size), bold, italic, font
        if align is not None:
            paragraph.alignment = align
        paragraph.space_after = Pt(gap)
    return box


def furniture(slide, marking: str, footer: str, number: str) -> None:
    """Add the marking at top and bottom, the running title and the slide number."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Mm, Pt

    if marking:  # a pack may print none, and then no rule under it either
        text_box(slide, LEFT_MM, 6, BODY_MM, 7, [marking], 13, bold=True, align=PP_ALIGN.CENTER)
        rule = slide.shapes.add_connector(1, Mm(LEFT_MM), Mm(13.5), Mm(LEFT_MM + BODY_MM), Mm(13.5))
        rule.line.width = Pt(1)
        rule.line.color.rgb = _black()
    y = HEIGHT_MM - 11
    text_box(slide, LEFT_MM, y, 62, 7, [footer], 11)
    if marking:
        text_box(slide, LEFT_MM + 62, y, BODY_MM - 124, 7, [marking], 13, bold=True, align=PP_ALIGN.CENTER)
    text_box(slide, LEFT_MM + BODY_MM - 62, y, 62, 7, [number], 13, bold=True, align=PP_ALIGN.RIGHT)


def _black():
    from pptx.dml.color import RGBColor

    return RGBColor(0, 0, 0)


def set_title(slide, text: str, y: float, size: float, fonts: Path) -> float:
    """Put text into the slide's title placeholder at y, sized like the PDF's heading; return the y below it."""
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Mm, Pt

    height = text_height(plain(text), BODY_MM, size, fonts / "NotoSans-Bold.ttf")
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Mm(LEFT_MM), Mm(y), Mm(BODY_MM), Mm(height)
    frame = title.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.word_wrap = True
    frame.text = plain(text)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = 1  # left
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.name = Pt(size), True, FONT
    return y + height + 3


def text_height(text: str, width: float, size: float, font: Path | None = None) -> float:
    """Return about how tall (mm) text set at size in a box width mm wide is, wrapped at words."""
    lines, line = 1, ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and width_mm(candidate, size, font) * 1.15 > width:  # fallback fonts (DejaVu) run wider than Noto
            lines, line = lines + 1, word
        else:
            line = candidate
    return lines * size * 1.22 * 25.4 / 72


def lay_out(
    slide, s: Slide, pack, content_dir: Path, fonts: Path, t: dict, top: float = 0, figures: dict | None = None
) -> None:
    """Add what one planned slide shows, top to bottom as in the PDF, from `top` mm below the usual start."""
    from pptx.enum.text import PP_ALIGN

    y = TOP_MM + 2 + top
    if s.label:
        text_box(slide, LEFT_MM, y, BODY_MM, 6, [s.label.upper()], 14, bold=True)
        y += 8
    lines = [plain(x) for x in s.lines]
    dot = lambda i: "•"  # noqa: E731
    if s.kind in ("title", "module"):
        y = set_title(slide, s.title, y + 3, 40, fonts)
        if s.kind == "title":
            if s.text:
                text_box(slide, LEFT_MM, y, BODY_MM, 14, [plain(s.text)], 28)
                y += text_height(plain(s.text), BODY_MM, 28)
            version = f"{t['version']} {pack.version} · {long_date(pack.date, pack.language)}"
            text_box(slide, LEFT_MM, y + 8, BODY_MM, 14, [line for line in (pack.distribution, version) if line], 14)
        else:
            list_box(slide, y, BODY_MM, lines, 22, dot)
    elif s.kind == "discussion":  # the question is the slide's title
        body = plain(s.text)
        set_title(slide, body, y + 4, 24 if len(body) > 180 else 28 if len(body) > 110 else 32, fonts)
    elif s.kind in ("quote", "objective"):
        heading = {"quote": s.attribution, "objective": s.title}[s.kind]
        y = set_title(slide, heading, y, 14, fonts) + 3
        body = plain(s.text)
        size = 24 if len(body) > 180 else 28 if len(body) > 110 else 32
        if s.kind == "quote":
            quoted = f"{t['open_quote']}{body}{t['close_quote']}"
            text_box(slide, LEFT_MM + 8, y, BODY_MM - 8, 60, [quoted], size, italic=True, font=SERIF)
            below = y + text_height(quoted, BODY_MM - 8, size) + 4
            text_box(slide, LEFT_MM + 8, below, BODY_MM - 8, 12, [f"— {plain(s.attribution)}"], 24)
        else:
            text_box(slide, LEFT_MM, y, BODY_MM, 70, [body], size, bold=s.kind == "objective")
    elif s.kind == "figure":
        y = set_title(slide, s.title, y, 26, fonts)
        translated = (figures or {}).get(s.figure.file)
        add_figure(slide, content_dir / s.figure.file, y, HEIGHT_MM - 26 - y, s.figure.alt, fonts, translated)
        caption = fit_line(plain(s.text), BODY_MM / 1.15, 16)  # one line even in a wider fallback font
        text_box(slide, LEFT_MM, HEIGHT_MM - 24, BODY_MM, 8, [caption], 16, align=PP_ALIGN.CENTER)
    elif s.kind == "rules":
        y = set_title(slide, s.title, y, 30, fonts)
        half = (BODY_MM - 10) / 2
        for x, head, rules, mark in ((LEFT_MM, t["do"], s.do, "✓"), (LEFT_MM + half + 10, t["dont"], s.dont, "✗")):
            text_box(slide, x, y, half, 9, [head], 22, bold=True)
            list_box(slide, y + 10, half, [plain(r) for r in rules], 20, lambda i, m=mark: m, x=x)
    elif s.kind == "closing":
        y = set_title(slide, s.title, y, 32, fonts)
        text_box(slide, LEFT_MM, y, BODY_MM, 22, [plain(s.text)], 24, bold=True)
        y += text_height(plain(s.text), BODY_MM, 24) + 4
        list_box(slide, y, BODY_MM, lines, 20, lambda i: f"{i + 1}.")
    else:  # agenda, case, points, exercise, check, quiz
        y = set_title(slide, s.title, y, 30, fonts)
        if s.text:
            text_box(slide, LEFT_MM, y, BODY_MM, 30, [plain(s.text)], 28)
            y += text_height(plain(s.text), BODY_MM, 28) + 4
        mark = (lambda i: f"{i + 1}.") if s.kind == "check" else dot
        if len(lines) > 4:  # two columns, as the PDF sets a long list
            half = (len(lines) + 1) // 2
            list_box(slide, y, BODY_MM / 2 - 5, lines[:half], 22, dot)
            list_box(slide, y, BODY_MM / 2 - 5, lines[half:], 22, dot, x=LEFT_MM + BODY_MM / 2 + 5)
        elif lines:
            list_box(slide, y, BODY_MM, lines, 24, mark)


def list_box(slide, y: float, width: float, lines: list[str], size: float, mark, x: float = LEFT_MM) -> None:
    """Add a list of lines, each with its mark, as one text box."""
    text_box(slide, x, y, width, HEIGHT_MM - 14 - y, lines, size, bullet=mark, gap=6)


def add_figure(
    slide, path: Path, y: float, most_height: float, alt: str, fonts: Path, svg: bytes | None = None
) -> None:
    """Add a figure (or its translated SVG) as a picture, as large as fits under the title, centred, with its alt."""
    from pptx.util import Mm

    png, (w, h) = picture(path, fonts, svg)
    height = most_height
    width = height * w / h
    if width > BODY_MM:
        width, height = BODY_MM, BODY_MM * h / w
    x = LEFT_MM + (BODY_MM - width) / 2
    pic = slide.shapes.add_picture(io.BytesIO(png), Mm(x), Mm(y), Mm(width), Mm(height))
    pic._element.nvPicPr.cNvPr.set("descr", plain(alt))  # python-pptx has no API for a picture's alt text


def picture(path: Path, fonts: Path, svg: bytes | None = None) -> tuple[bytes, tuple[int, int]]:
    """Return a figure (or the SVG given in its place) as PNG, or its own raster bytes, with its size in pixels."""
    return _picture(path, path.stat().st_mtime_ns, fonts, svg)


@lru_cache(maxsize=32)
def _picture(path: Path, mtime_ns: int, fonts: Path, svg: bytes | None = None) -> tuple[bytes, tuple[int, int]]:
    from PIL import Image

    if path.suffix.lower() == ".svg":
        import cairosvg

        use_fonts(fonts)
        data = cairosvg.svg2png(bytestring=svg or path.read_bytes(), output_width=FIGURE_PX, unsafe=False)
    else:
        data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        return data, image.size


@lru_cache(maxsize=4)
def use_fonts(folder: Path) -> None:
    """Let CairoSVG find the theme's fonts (Noto), as WeasyPrint does, instead of whatever the system has."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("int FcConfigAppFontAddDir(void *config, const unsigned char *dir);")
    try:
        fontconfig = ffi.dlopen("libfontconfig.so.1")
    except OSError:
        return  # no fontconfig by that name: the system's fonts stand in
    fontconfig.FcConfigAppFontAddDir(ffi.NULL, str(folder).encode())
