"""The briefing pack, read back from the files a user gets."""

from __future__ import annotations

import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from conftest import GLOSSARY, MODULE, PACK, tree_digest

PACKS = ["civilian-frontline", "leader-brief", "soldier-basic"]
FONTS = Path(__file__).resolve().parents[1] / "templates" / "fonts"
LOADING_ATTRIBUTES = {
    ("img", "src"),
    ("link", "href"),
    ("script", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("object", "data"),
    ("embed", "src"),
    ("audio", "src"),
    ("video", "src"),
}


@pytest.fixture(scope="module")
def briefing(default_build) -> PdfReader:
    return PdfReader(default_build / "soldier-basic" / "briefing.pdf")


def test_every_page_has_banners_and_page_x_of_y(briefing):
    pages = briefing.pages
    assert len(pages) > 10
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert text.count("UNCLASSIFIED // FOR TRAINING USE") >= 2, f"page {number} lacks top and bottom banner"
        assert f"Page {number} of {len(pages)}" in text


def test_cover_contents_modules_glossary_sources_in_order(briefing):
    text = "\n".join(p.extract_text() for p in briefing.pages)
    order = [
        "Emissions discipline",
        "DISTRIBUTION A",
        "Contents",
        "After this lesson you can:",
        "Key points",
        "Glossary",
        "Sources",
        "Russians blame phones for deadly Ukraine hit",
    ]
    position = 0
    for word in order:
        found = text.find(word, position)
        assert found != -1, f"{word!r} missing after position {position}"
        position = found + len(word)


def test_contents_page_numbers_point_at_the_modules(briefing):
    contents = next(p.extract_text() for p in briefing.pages if "Contents" in p.extract_text())
    entry = re.search(r"Makiivka[^\n]*?(\d+)\s*$", contents, re.M)
    assert entry, contents
    target = int(entry.group(1))
    assert "Makiivka" in briefing.pages[target - 1].extract_text().split("After this lesson you can:")[0]


def embedded_fonts(reader: PdfReader) -> dict[str, bytes]:
    """Return each embedded font program of a PDF by its BaseFont name, asserting each font is embedded."""
    programs = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"]
            files = [descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
            assert files, font["/BaseFont"]
            programs[str(font["/BaseFont"])] = files[0].get_object().get_data()
    return programs


def outline(font: TTFont, glyph: str) -> tuple:
    """Return what a glyph draws (points, flags, end points, components), not how it is numbered."""
    data = font["glyf"][glyph]
    if data.isComposite():
        return tuple((outline(font, c.glyphName), c.x, c.y) for c in data.components)
    if data.numberOfContours == 0:
        return ()
    return (tuple(data.coordinates), tuple(data.flags), tuple(data.endPtsOfContours))


@pytest.fixture(scope="module")
def shipped_fonts() -> dict[str, TTFont]:
    """The font files the theme ships, by their PostScript name."""
    fonts = {}
    for path in sorted(FONTS.glob("*.ttf")):
        font = TTFont(path)
        fonts[font["name"].getDebugName(6)] = font
    return fonts


def assert_shipped(name: str, program: bytes, shipped: dict[str, TTFont]) -> None:
    """Assert a PDF's embedded font is a subset of a shipped file: same PostScript name, and every character drawn
    with the shipped file's outline (a machine font or a synthesised face fails; the PDF's name for it does not count)."""
    embedded = TTFont(io.BytesIO(program))
    postscript = embedded["name"].getDebugName(6)
    assert postscript in shipped, f"{name}: embedded font {postscript!r} is not one of {sorted(shipped)}"
    original = shipped[postscript]
    cmap, original_cmap = embedded.getBestCmap(), original.getBestCmap()
    assert cmap, f"{name}: no characters"
    for code, glyph in cmap.items():
        assert code in original_cmap, f"{name}: U+{code:04X} is not in {postscript}"
        assert outline(embedded, glyph) == outline(original, original_cmap[code]), (
            f"{name}: U+{code:04X} drawn differently"
        )


def test_every_pdf_embeds_only_the_shipped_fonts(default_build, shipped_fonts):
    pdfs = sorted(default_build.glob("*/*.pdf"))
    assert len(pdfs) >= 3 * 5
    for path in pdfs:
        programs = embedded_fonts(PdfReader(path))
        assert programs, path
        for name, program in programs.items():
            assert_shipped(f"{path.relative_to(default_build)} {name}", program, shipped_fonts)


def test_a_machine_font_is_not_taken_for_a_shipped_one(shipped_fonts):
    """The check above can fail: DejaVu (the machine's fallback) is refused whatever the PDF calls it."""
    machine = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not machine.is_file():
        pytest.skip("no DejaVu Sans on this machine (Debian package fonts-dejavu-core)")
    with pytest.raises(AssertionError, match="embedded font 'DejaVuSans' is not one of"):
        assert_shipped("Noto-Sans", machine.read_bytes(), shipped_fonts)
    # A shipped file with one glyph drawn differently is refused too.
    font = TTFont(FONTS / "NotoSans-Regular.ttf")
    glyph = font.getBestCmap()[ord("A")]
    font["glyf"][glyph].coordinates[0] = (0, 0)
    changed = io.BytesIO()
    font.save(changed)
    with pytest.raises(AssertionError, match=r"U\+0041 drawn differently"):
        assert_shipped("Noto-Sans", changed.getvalue(), shipped_fonts)


def test_pdf_is_tagged_with_title_and_language(briefing):
    root = briefing.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert briefing.metadata.title == "Emissions discipline for soldiers"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.references: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        for t, attr in LOADING_ATTRIBUTES:
            if tag == t and attrs.get(attr):
                self.references.append((tag, attr, attrs[attr]))
        if tag == "a" and attrs.get("href"):
            self.references.append((tag, "href", attrs["href"]))


def _html_files(build: Path) -> list[Path]:
    return [p for pack in PACKS for p in (build / pack).rglob("*.html")] + [build / "index.html"]


def test_html_has_lang_and_references_nothing_outside_the_build(default_build):
    for path in _html_files(default_build):
        parsed = _Collector()
        parsed.feed(path.read_text(encoding="utf-8"))
        assert parsed.lang, f"{path} has no lang"
        assert "main" in parsed.tags, f"{path} has no <main>"
        for tag, attr, url in parsed.references:
            if url.startswith(("#", "data:")):
                continue
            if tag == "a" and url.startswith("https://"):
                continue  # a citation the reader may follow; nothing is loaded
            assert not re.match(r"^[a-z]+:", url), f"{path}: {tag} {attr}={url} leaves the build"
            target = (path.parent / url.split("#")[0]).resolve()
            assert target.is_relative_to(default_build.resolve()) and target.exists(), f"{path}: {url} is missing"


def test_single_file_briefing_needs_nothing_else(default_build):
    path = default_build / "soldier-basic" / "briefing.html"
    parsed = _Collector()
    parsed.feed(path.read_text(encoding="utf-8"))
    loads = [url for tag, attr, url in parsed.references if tag != "a"]
    assert loads and all(url.startswith("data:") for url in loads), loads
    assert "<style>" in path.read_text(encoding="utf-8")


def test_manifest_lists_every_file_with_its_digest(default_build):
    for pack in PACKS:
        folder = default_build / pack
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["pack"] == pack
        listed = {e["path"]: e for e in manifest["outputs"]}
        on_disk = {path for path, digest in tree_digest(folder).items() if digest != "dir"} - {"manifest.json"}
        assert set(listed) == on_disk
        for path, entry in listed.items():
            assert entry["sha256"] == hashlib.sha256((folder / path).read_bytes()).hexdigest()
        assert {"briefing-pdf", "briefing-html"} <= {e["kind"] for e in listed.values()}


def test_index_links_every_pack(default_build):
    text = (default_build / "index.html").read_text(encoding="utf-8")
    for pack in PACKS:
        assert f'href="{pack}/briefing.pdf"' in text


def test_two_builds_give_identical_bytes(make_project, run, tmp_path):
    root = make_project({"content/src.txt": "every time you press a button"})
    for out in ("one", "two"):
        assert (
            run(
                "build", "--project", root, "--out", tmp_path / out, "--only", "briefing-pdf", "--only", "briefing-html"
            ).exit_code
            == 0
        )
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_broken_module_leaves_the_earlier_build_untouched(make_project, run, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    assert run("build", "--project", root, "--out", out, "--only", "briefing-html").exit_code == 0
    before = tree_digest(out)
    module = root / "content/modules/alpha.yaml"
    module.write_text(module.read_text().replace("minutes: 5\n", "minutes: lots\n", 1))
    result = run("build", "--project", root, "--out", out, "--only", "briefing-html")
    assert result.exit_code == 1
    assert f"{module.as_posix()}:5: minutes: expected a whole number, got text" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(out) == before


def test_letter_page_size(make_project, run, tmp_path):
    root = make_project({"content/packs/basic.yaml": PACK + "page_size: Letter\n"})
    assert run("build", "--project", root, "--out", tmp_path / "out", "--only", "briefing-pdf").exit_code == 0
    box = PdfReader(tmp_path / "out" / "basic" / "briefing.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def _glossary_html(make_project, run, tmp_path, glossary: str) -> str:
    module = MODULE.replace("glossary: [emcon]", "glossary: [emcon, sigint]")
    root = make_project({"content/glossary.yaml": glossary, "content/modules/alpha.yaml": module})
    assert run("build", "--project", root, "--out", tmp_path / "out", "--only", "briefing-html").exit_code == 0
    text = (tmp_path / "out" / "basic" / "briefing.html").read_text(encoding="utf-8")
    return text[text.index('id="glossary"') :]


SIGINT = "- id: sigint\n  term: SIGINT\n  definition: Intelligence from signals.\n"


def test_a_background_glossary_term_is_labelled_for_learners(make_project, run, tmp_path):
    part = _glossary_html(
        make_project, run, tmp_path, GLOSSARY + SIGINT.replace("  definition", "  background: true\n  definition")
    )
    emcon, sigint = part.split('id="term-sigint"')
    assert "Background" not in emcon
    assert '<span class="label">Background</span> Intelligence from signals.' in sigint


def test_a_glossary_of_background_terms_says_so_once(make_project, run, tmp_path):
    marked = (GLOSSARY + SIGINT).replace("  definition", "  background: true\n  definition")
    part = _glossary_html(make_project, run, tmp_path, marked)
    assert part.count("Background") == 1
    assert "Background: General background, beyond the sources." in part
