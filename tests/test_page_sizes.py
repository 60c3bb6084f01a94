"""Every PDF kind is laid out at A4 and at US Letter: the right paper, and about the same number of pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import MINIMAL, MODULE, PACK
from emcon.cli import main

SIZES = {"A4": (595, 842), "Letter": (612, 792)}  # points
LONG_TEXT = " ".join(["A phone that is on talks to the network, and the network keeps the record."] * 8)


def long_module() -> str:
    """Return the base module with enough text and items to fill several pages of each kind."""
    items = "".join(
        f"  - {{id: l-{n}, type: single, objective: explain-alpha, prompt: 'Question {n}: {LONG_TEXT[:180]}', "
        f"choices: [Switch it off and leave it, Keep it on in flight mode, Take out the battery, Cover the screen], "
        f"answer: a, explanation: 'Because {LONG_TEXT[:120]} (src).', source: src}}\n"
        for n in range(1, 25)
    )
    sections = "".join(f"  - heading: Part {n}\n    body: {LONG_TEXT}\n" for n in range(2, 9))
    module = MODULE.replace("key_points:", sections + "key_points:", 1)
    return module + items


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """Build every PDF of the same pack at both sizes; return the pack folder of each."""
    folders = {}
    for size in SIZES:
        root = tmp_path_factory.mktemp(f"size-{size}")
        pack = (
            PACK.replace("questions: 2, forms: 2", "questions: 26, forms: 1, answer_sheets: true")
            + f"page_size: {size}\n"
        )
        for rel, text in {
            **MINIMAL,
            "content/modules/alpha.yaml": long_module(),
            "content/packs/basic.yaml": pack,
        }.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        args = ["build", "--project", str(root), "--out", str(root / "out")]
        for kind in ("briefing-pdf", "instructor-pdf", "card-pdf", "quiz-pdf", "key-pdf", "answer-sheet-pdf"):
            args += ["--only", kind]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        folders[size] = root / "out" / "basic"
    return folders


@pytest.mark.parametrize(
    "name", ["briefing.pdf", "instructor.pdf", "card.pdf", "quiz-A.pdf", "key.pdf", "answer-sheet-A.pdf"]
)
def test_every_pdf_kind_is_laid_out_on_both_paper_sizes(builds, name):
    pages = {}
    for size, (width, height) in SIZES.items():
        reader = PdfReader(builds[size] / name)
        assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {
            (width, height)
        }, (size, name)
        pages[size] = len(reader.pages)
        text = " ".join(page.extract_text() for page in reader.pages)
        if name.startswith(("quiz", "key")):
            assert "Question 24" in text, (size, name)  # nothing cut off at the end
    a4, letter = pages["A4"], pages["Letter"]
    assert a4 > 1 or name in ("card.pdf", "answer-sheet-A.pdf"), pages
    assert abs(letter - a4) <= max(1, a4 // 4), pages  # Letter is shorter and wider: about the same


LONG_WORD = "Telefonnetzwerkverbindungsprotokoll" * 8  # 280 characters, no break opportunity
LONG_URL = "https://example.org/" + "a-very-long-path-segment/" * 10
CARD_WORD = "Funkstilleeinhaltungsverpflichtung" * 2 + "Extra"  # 73 characters: fits a card line, not a panel


def test_long_words_and_addresses_wrap_inside_the_page_and_the_card(make_project, run, tmp_path):
    module = MODULE.replace(
        "      A phone talks to towers.\n",
        f"      A phone talks to towers. {LONG_WORD} [link]({LONG_URL}) {LONG_URL}\n",
    )
    pack = PACK + f"card: {{remember: [{CARD_WORD}]}}\n"
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    result = run("build", "--project", root, "--out", tmp_path / "out", "--only", "briefing-pdf", "--only", "card-pdf")
    assert result.exit_code == 0, result.output
    for name, longest in (("briefing.pdf", 100), ("card.pdf", 60)):  # characters of one unbroken run
        lines = [
            line for page in PdfReader(tmp_path / "out/basic" / name).pages for line in page.extract_text().splitlines()
        ]
        words = [word for line in lines for word in line.split()]
        assert max(len(word) for word in words) <= longest, (name, max(words, key=len))
