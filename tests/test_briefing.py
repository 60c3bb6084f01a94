"""The briefing pack, read back from the files a user gets."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import PACK, tree_digest

PACKS = ["civilian-frontline", "leader-brief", "soldier-basic"]
SHIPPED_FONTS = {
    "NotoSans",
    "NotoSans-Bold",
    "NotoSans-Italic",
    "NotoSans-BoldItalic",
    "NotoSerif",
    "NotoSerif-Bold",
    "NotoSerif-Italic",
    "NotoSansSymbols2",
    "NotoSansSymbols2-Bold",
}
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
        "Learning objectives",
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
    assert "Makiivka" in briefing.pages[target - 1].extract_text().split("Learning objectives")[0]


def pdf_fonts(reader: PdfReader) -> set[str]:
    """Return the base names of a PDF's fonts, asserting each one is embedded."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def test_every_pdf_embeds_only_the_shipped_fonts(default_build):
    pdfs = sorted(default_build.glob("*/*.pdf"))
    assert len(pdfs) >= 3 * 5
    for path in pdfs:
        names = pdf_fonts(PdfReader(path))
        normalized = {
            n.replace("Noto-Sans-Symbols2", "NotoSansSymbols2")
            .replace("Noto-Sans", "NotoSans")
            .replace("Noto-Serif", "NotoSerif")
            for n in names
        }
        assert normalized and normalized <= SHIPPED_FONTS, (
            f"{path.relative_to(default_build)}: {normalized - SHIPPED_FONTS}"
        )


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
