"""The slide deck (16:9, banner, numbers, big type, one slide per idea) and the pocket card."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from conftest import PACK, REPO, flat
from emcon.build import plan_pack
from emcon.markdown import plain_text
from emcon.project import load_project
from emcon.render.card import in_turns, pick_lines
from emcon.slideplan import plan_deck
from emcon.theme import Theme

PACK_ID = "soldier-basic"
MM = 72 / 25.4


def fragments(page) -> list[tuple[float, float, float, str]]:
    """Return (size in pt, x, y, text) of every piece of text on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((round(size * abs(tm[3]) * abs(cm[3]), 1), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def default_pack():
    project, _ = load_project(REPO)
    pack = project.curriculum.packs[PACK_ID]
    return project, pack, project.curriculum.pack_modules(pack)


@pytest.fixture(scope="module")
def deck(default_build) -> PdfReader:
    return PdfReader(default_build / PACK_ID / "slides.pdf")


@pytest.fixture(scope="module")
def card(default_build) -> PdfReader:
    return PdfReader(default_build / PACK_ID / "card.pdf")


# ---------------------------------------------------------------- slides


def test_every_slide_is_16_by_9_with_banner_and_number(deck, default_pack):
    _, pack, _ = default_pack
    total = len(deck.pages)
    for number, page in enumerate(deck.pages, 1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (720, 405)  # 254 x 142.875 mm
        banners = [y for _, _, y, text in fragments(page) if text.strip() == pack.classification]
        assert max(banners) > 370 and min(banners) < 30, number  # in the top and bottom margins
        assert f"{number} / {total}" in page.extract_text()


def test_no_slide_spills_onto_a_second_page(deck, default_pack):
    project, _, _ = default_pack
    [slides] = plan_pack(project, PACK_ID, Theme(REPO / "templates"), {"slides-pdf"})
    assert slides.pdf.html.count('<section class="slide ') == len(deck.pages)


def test_teaching_text_is_at_least_20_pt(deck, default_pack):
    project, pack, modules = default_pack
    plan = plan_deck(pack, modules, Theme(REPO / "templates").strings("en"), set(project.curriculum.sources))
    big = flat(" ".join(text for page in deck.pages for size, _, _, text in fragments(page) if size >= 20))
    shown = [line for s in plan.slides for line in (*s.lines, *s.do, *s.dont) if s.kind != "agenda"]
    shown += [s.text for s in plan.slides if s.kind in ("quote", "discussion", "objective")]
    assert len(shown) > 50
    for text in shown:
        assert flat(plain_text(text)) in big


def test_title_slide_carries_the_markings_and_quotes_name_their_speaker(deck, default_pack):
    _, pack, modules = default_pack
    first = flat(deck.pages[0].extract_text())
    assert pack.title in first and pack.distribution in first
    pages = [flat(p.extract_text()) for p in deck.pages]
    shown = [(q, page) for m in modules for q in m.quotes if q.role for page in pages if f"“{flat(q.text)}”" in page]
    assert shown
    for quote, page in shown:
        assert f"— {quote.speaker}, {quote.role}" in page


# ---------------------------------------------------------------- card


def test_card_rules_are_the_packs_rules(card, default_pack):
    _, pack, modules = default_pack
    text = flat(" ".join(p.extract_text() for p in card.pages))
    taught = {r for m in modules if m.rules for r in m.rules.do + m.rules.dont}
    assert len(pack.card.do) == len(pack.card.dont) == len(pack.card.remember) == 3
    for rule in pack.card.do + pack.card.dont:
        assert rule in taught  # the card repeats rules the modules teach, word for word
        assert flat(rule) in text
    for line in pack.card.remember:
        assert flat(line) in text


def test_card_is_one_a4_sheet_of_legible_cards(card, default_pack):
    _, pack, _ = default_pack
    [page] = card.pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    sizes = {size for size, _, _, _ in fragments(page)}
    assert min(sizes) >= 6  # the marking; the rules are 7 pt (about 1.8 mm capital height)
    rule_sizes = {size for size, _, _, text in fragments(page) if text.strip() and text.strip() in pack.card.do[0]}
    assert rule_sizes and min(rule_sizes) >= 7
    assert flat(page.extract_text()).count(pack.card.dont[0]) == 4  # four cards to the sheet


def test_card_rules_end_above_the_bottom_marking(card, default_pack):
    # Sides have a fixed size: text that does not fit would run into the marking, not onto a new page.
    _, pack, _ = default_pack
    [page] = card.pages
    height = float(page.mediabox.height)
    found = [((height - y) / MM, x / MM, text) for _, x, y, text in fragments(page)]  # mm from the top left
    banners = [y for y, x, text in found if text.strip() == pack.classification and x > 100]  # the back's only marking
    assert len(banners) == 4
    for banner in banners:
        back = [y for y, x, text in found if x > 100 and banner - 50 < y < banner]
        assert (
            len(back) >= 8 and max(back) < banner - 3.3
        )  # the rule above the marking is about 3 mm above its baseline


def test_card_picks_rules_from_the_modules_when_the_pack_names_none(make_project, run, tmp_path):
    root = make_project({"content/packs/basic.yaml": PACK + "page_size: Letter\n"})
    out = tmp_path / "out"
    result = run("build", "--project", root, "--out", out, "--only", "card-pdf")
    assert result.exit_code == 0, result.output
    [page] = PdfReader(out / "basic/card.pdf").pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    text = flat(page.extract_text())
    assert text.count("Switch it off.") == text.count("Gather at signal spots.") == text.count("Phones emit.") == 3


def test_pick_lines_takes_turns_skips_repeats_and_long_lines():
    lists = [["Keep it off.", "x" * 91, "Spread out."], ["keep  it OFF.", "Go alone."], ["Leave it behind."]]
    assert in_turns(lists) == [
        "Keep it off.",
        "keep  it OFF.",
        "Leave it behind.",
        "x" * 91,
        "Go alone.",
        "Spread out.",
    ]
    assert pick_lines(in_turns(lists)) == ["Keep it off.", "Leave it behind.", "Go alone."]


def test_card_lines_too_many_or_too_long_are_content_errors(make_project, run):
    pack = PACK + "card:\n  do: [a, b, c, d]\n  remember:\n    - " + "x" * 91 + "\n"
    root = make_project({"content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert "content/packs/basic.yaml:9: card.do: is too long: at most 3 items" in result.output
    assert "content/packs/basic.yaml:11: card.remember[0]: is too long: at most 90 characters" in result.output


def test_ukrainian_pack_gets_ukrainian_words_in_all_three(make_project, run, tmp_path):
    root = make_project({"content/packs/basic.yaml": PACK + "language: uk\n"})
    out = tmp_path / "out"
    result = run(
        "build",
        "--project",
        root,
        "--out",
        out,
        "--only",
        "instructor-pdf",
        "--only",
        "slides-pdf",
        "--only",
        "card-pdf",
    )
    assert result.exit_code == 0, result.output
    words = {
        "instructor.pdf": "Розклад заняття",
        "slides.pdf": "Що ви тепер умієте",
        "card.pdf": "НЕ РОБІТЬ",
    }
    for name, word in words.items():
        assert word in flat(" ".join(p.extract_text() for p in PdfReader(out / "basic" / name).pages)), name
