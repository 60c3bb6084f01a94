"""What veraPDF does not check, read from every PDF with pikepdf and pypdf: margins are artifacts,
no text is too small to read, the card is tagged once, table cells name their own headers,
long documents have outlines, and the briefing's contents are working links."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from emcon import pdfua


@pytest.fixture(scope="module", params=["A4", "Letter"])
def build(request) -> Path:
    """Return the default curriculum's build at each page size."""
    return request.getfixturevalue("default_build" if request.param == "A4" else "letter_build")


def pdfs(build: Path) -> list[Path]:
    """Return every PDF in the build."""
    found = sorted(build.rglob("*.pdf"))
    assert len(found) >= 21
    return found


def elements(pdf) -> list:
    """Return every structure element reachable from the root of the structure tree."""
    return [e for top in pdfua.kids(pdf.Root.StructTreeRoot) for e in pdfua.descendants(top)]


@functools.cache
def read_pages(path: Path) -> dict[int, tuple[list[str], list[str], list[float]]]:
    """Return read_page for the first three pages and the last of the PDF, by page number, read once per run.

    Reading every page of all 42 PDFs takes minutes; the margins and the start of the body repeat.
    """
    pages = PdfReader(path).pages
    numbers = sorted({1, 2, 3, len(pages)} & set(range(1, len(pages) + 1)))
    return {number: read_page(pages[number - 1]) for number in numbers}


def read_page(page) -> tuple[list[str], list[str], list[float]]:
    """Return a page's text inside artifacts, its tagged text, and the size in points of every piece of text."""
    stack: list[str] = []
    artifact, tagged, sizes = [], [], []

    def before(operator, operands, cm, tm):
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(piece, cm, tm, font, size):
        if not piece.strip():
            return
        (artifact if "/Artifact" in stack else tagged).append(piece)
        a, b, c, d = (
            tm[0] * cm[0] + tm[1] * cm[2],
            tm[0] * cm[1] + tm[1] * cm[3],
            tm[2] * cm[0] + tm[3] * cm[2],
            tm[2] * cm[1] + tm[3] * cm[3],
        )
        sizes.append(size * math.sqrt(abs(a * d - b * c)))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return artifact, tagged, sizes


def test_every_marked_content_belongs_to_the_tree_or_is_an_artifact(build):
    for path in pdfs(build):
        with pikepdf.open(path) as pdf:
            reachable = {e.objgen for e in elements(pdf)}
            numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
            for i in range(1, len(numbers), 2):
                parents = numbers[i] if isinstance(numbers[i], pikepdf.Array) else [numbers[i]]
                loose = [p.objgen for p in parents if isinstance(p, pikepdf.Dictionary) and p.objgen not in reachable]
                assert loose == [], (
                    f"{path.relative_to(build)}: parent tree {numbers[i - 1]} names elements outside the tree"
                )


# The running words of a pack's pages, in its language (the Ukrainian editions end in -uk).
BANNER = {"en": "UNCLASSIFIED // FOR TRAINING USE", "uk": "НЕСЕКРЕТНО // ДЛЯ НАВЧАННЯ"}
PAGE_X_OF_Y = {"en": "Page {number} of {total}", "uk": "Сторінка {number} з {total}"}


def language_of(path: Path) -> str:
    """Return the language of the pack a built file belongs to."""
    return "uk" if path.parent.name.endswith("-uk") else "en"


def test_running_banners_titles_and_page_numbers_are_artifacts(build):
    for path in pdfs(build):
        if path.name == "card.pdf" or path.name.startswith("answer-sheet"):
            continue  # no page margins: the banners are on the card or the sheet
        total = len(PdfReader(path).pages)
        banner, page_x_of_y = BANNER[language_of(path)], PAGE_X_OF_Y[language_of(path)]
        for number, (artifact, tagged, _) in read_pages(path).items():
            where = f"{path.relative_to(build)} page {number}"
            # top and bottom banner (and on a notes page, the slide's own, drawn as an artifact)
            assert artifact.count(banner) >= 2, where
            if path.name != "slides.pdf":
                assert page_x_of_y.format(number=number, total=total) in artifact, where
                assert page_x_of_y.format(number=number, total=total) not in " ".join(tagged), where
            else:
                assert f"{number} / {total}" in artifact, where


def test_no_text_under_2_points(build):
    for path in pdfs(build):
        for number, (_, _, sizes) in read_pages(path).items():
            assert sizes and min(sizes) >= 2, f"{path.relative_to(build)} page {number}: {min(sizes):.2f} pt"


def test_the_card_is_tagged_once_and_printed_on_the_whole_sheet(build):
    for path in build.glob("*/card.pdf"):
        with pikepdf.open(path) as pdf:
            tags = [str(e.S) for e in elements(pdf)]
        assert tags.count("/Art") == 1 and tags.count("/H1") == 1, path
        artifact, tagged, _ = read_pages(path)[1]
        banner = BANNER[language_of(path)]  # three on each copy: front top and bottom, back bottom
        assert tagged.count(banner) == 3, path
        assert artifact.count(banner) == 3 * (3 if build == letter_of(build) else 4) - 3, path


def letter_of(build: Path) -> Path:
    """Return build if it is the Letter build (its packs print three cards a sheet, A4 four)."""
    box = PdfReader(next(build.glob("*/card.pdf"))).pages[0].mediabox
    return build if round(float(box.height)) == 792 else Path()


def test_table_cells_name_only_their_own_headers(build):
    cells_checked = 0
    for path in pdfs(build):
        with pikepdf.open(path) as pdf:
            for table in (e for e in elements(pdf) if e.S == "/Table"):
                cells = list(pdfua.descendants(table))
                ids = {str(c.ID) for c in cells if c.S == "/TH" and "/ID" in c}
                for cell in (c for c in cells if c.S == "/TD" and "/A" in c and "/Headers" in c.A):
                    headers = [str(h) for h in cell.A.Headers]
                    where = f"{path.relative_to(build)}: a cell names {headers}"
                    assert set(headers) <= ids, where  # headers of its own table
                    assert len(headers) <= 2, where  # its column's and its row's, no more
                    cells_checked += 1
    assert cells_checked > 100


def test_timetable_clock_cells_name_the_clock_header(default_build):
    with pikepdf.open(default_build / "soldier-basic" / "instructor.pdf") as pdf:
        tables = [e for e in elements(pdf) if e.S == "/Table"]
        timetable = next(t for t in tables if sum(1 for c in pdfua.descendants(t) if c.S == "/TH") > 8)
        cells = list(pdfua.descendants(timetable))
        clock = next(str(c.ID) for c in cells if c.S == "/TH" and str(c.get("/ID", "")).endswith("-0-0"))
        named = [list(map(str, c.A.Headers)) for c in cells if c.S == "/TD" and "/Headers" in c.A]
        clock_cells = [h for h in named if clock in h]
        assert len(clock_cells) > 5  # the timetable's first page: a table split over pages is one Table a page
        assert all(len(h) <= 2 for h in clock_cells)  # Clock, and a row header of its own row at most
        assert sum(h == [clock] for h in clock_cells) >= len(clock_cells) - 1  # no module's header over every step


def test_every_multi_page_pdf_has_an_outline(build):
    for path in pdfs(build):
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) > 1:
                with pdf.open_outline() as outline:
                    assert outline.root, path.relative_to(build)


def test_briefing_contents_entries_are_one_working_link_each(build):
    for path in build.glob("*/briefing.pdf"):
        reader = PdfReader(path)
        contents = next(page for page in reader.pages[:3] if ". . ." in page.extract_text())
        entries = [line for line in contents.extract_text().splitlines() if ". . ." in line]
        links = [a.get_object() for a in contents.get("/Annots", [])]
        assert len(links) == len(entries) >= 3, (path, len(links), entries)
        for link, entry in zip(links, entries, strict=True):
            target = reader.named_destinations[str(link["/Dest"])]
            assert reader.get_destination_page_number(target) + 1 == int(entry.split()[-1]), (path, entry)
