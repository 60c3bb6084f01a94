"""The default curriculum meets its rules, and the checks that guard accuracy work."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MODULE, PACK, REPO, SOURCES, SOURCES_DIR, line_of, needs_sources
from emcon.lint import balance_tolerance, lint_answer_balance, lint_objective_coverage
from emcon.model import SingleChoice, TrueFalse, letters
from emcon.project import load_project
from emcon.quiz import draw_forms, draw_items


@pytest.fixture(scope="module")
def curriculum():
    project, problems = load_project(REPO, SOURCES_DIR if SOURCES_DIR.is_dir() else None)
    assert project is not None and problems == [], [str(p) for p in problems]
    return project.curriculum


@needs_sources
def test_default_content_passes_strict_check_against_the_sources(run):
    result = run("check", "--project", REPO, "--sources", SOURCES_DIR, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("8 modules, 5 packs: 0 errors, 0 warnings")


def test_every_module_follows_the_curriculum_rules(curriculum):
    assert len(curriculum.modules) == 8
    for module in curriculum.modules.values():
        assert 2 <= len(module.objectives) <= 4, module.id
        assert module.quotes or module.case_studies, module.id
        assert module.rules and module.discussion and module.key_points, module.id
        assert all(d.good_answer for d in module.discussion), module.id
        assert len(module.quiz) >= 6, module.id
        assert len({item.type for item in module.quiz}) >= 3, module.id
        assert {o.id for o in module.objectives} == {item.objective for item in module.quiz}, module.id
        for item in module.quiz:
            assert item.explanation and item.source in curriculum.sources, (module.id, item.id)


def test_packs_match_the_curriculum_table(curriculum):
    # The written quiz counts (opening + modules + closing + quiz): soldier-basic is a 45-minute
    # lesson and a 15-minute quiz; leader-brief 48 + 12; civilian-frontline 30 + 10.
    expected = {
        "soldier-basic": (
            "soldier",
            60,
            [
                "every-button-emits",
                "how-phones-give-you-away",
                "kyiv-2022",
                "makiivka",
                "not-just-their-problem",
                "safer-ways-to-call-home",
            ],
        ),
        "leader-brief": (
            "leader",
            60,
            # why-bans-fail last: its unit phone plan draws on every lesson before it
            ["every-button-emits", "kyiv-2022", "makiivka", "safer-ways-to-call-home", "why-bans-fail"],
        ),
        "civilian-frontline": ("civilian", 40, ["every-button-emits", "how-phones-give-you-away", "husarivka"]),
    }
    expected["soldier-basic-uk"] = expected["soldier-basic"]  # the Ukrainian editions teach the same lessons
    expected["civilian-frontline-uk"] = expected["civilian-frontline"]
    actual = {p.id: (p.audience, p.minutes, p.modules) for p in curriculum.packs.values()}
    assert actual == expected
    assert {p.id: p.language for p in curriculum.packs.values() if p.language != "en"} == {
        "soldier-basic-uk": "uk",
        "civilian-frontline-uk": "uk",
    }


def test_at_least_three_figures_with_caption_and_alt(curriculum):
    figures = [s.figure for m in curriculum.modules.values() for s in m.sections if s.figure]
    assert len({f.file for f in figures}) >= 3
    for figure in figures:
        assert (REPO / "content" / figure.file).is_file()
        assert figure.caption and figure.alt


def test_a_quote_missing_from_its_source_is_reported(make_project, run):
    root = make_project({"content/src.txt": "Every  time you\npress a button, you emit."})
    result = run("check", "--project", root, "--sources", root / "content")
    assert result.exit_code == 1
    assert (
        f"{(root / 'content/modules/alpha.yaml').as_posix()}:{line_of(MODULE, '  - text: every time')}: quotes[0].text: "
        "quote not found verbatim in source 'src'; the closest passage first differs at the brackets: "
        'source "[E]very time you press a button", quote "[e]very time you press a button"' in result.output
    )


def test_quotes_match_after_folding_whitespace_only(make_project, run):
    root = make_project({"content/src.txt": "He said: every time\n   you press a   button."})
    result = run("check", "--project", root, "--sources", root / "content")
    assert result.exit_code == 0, result.output


def test_check_without_sources_says_quotes_were_skipped(make_project, run):
    result = run("check", "--project", make_project())
    assert result.exit_code == 0
    assert "quotes were not checked against their sources" in result.output


@pytest.mark.parametrize(
    ("module_edit", "pack_edit", "expected"),
    [
        (
            ("minutes: 5\n", "minutes: 6\n"),
            None,
            f"alpha.yaml:{line_of(MODULE, 'steps:')}: steps: add up to 5 minutes, but minutes is 6",
        ),
        (
            None,
            ("minutes: 6\n", "minutes: 9\n"),
            f"basic.yaml:{line_of(PACK, 'minutes:')}: minutes: 9, but modules 5 + quiz 1 add up to 6",
        ),
        (
            ("glossary: [emcon]", "glossary: [emcon, sigint]"),
            None,
            f"alpha.yaml:{line_of(MODULE, 'glossary:')}: glossary[1]: glossary term 'sigint' is not defined",
        ),
        (
            ("objective: explain-alpha, prompt: Phones", "objective: explain-beta, prompt: Phones"),
            None,
            f"alpha.yaml:{line_of(MODULE, '  - {id: a-1')}: quiz[0].objective: objective 'explain-beta' is not defined"
            " (did you mean 'explain-alpha'?)",
        ),
        (
            None,
            ("modules: [alpha]", "modules: [alpah]"),
            f"basic.yaml:{line_of(PACK, 'modules:')}: modules[0]: module 'alpah' is not defined (did you mean 'alpha'?)",
        ),
        (
            None,
            ("questions: 2,", "questions: 3,"),
            f"basic.yaml:{line_of(PACK, 'quiz:')}: quiz.questions: asks for 3 questions, but its modules hold 2",
        ),
    ],
)
def test_content_errors_name_file_and_line(make_project, run, module_edit, pack_edit, expected):
    module, pack = MODULE, PACK
    if module_edit:
        module = module.replace(*module_edit, 1)
    if pack_edit:
        pack = pack.replace(*pack_edit, 1)
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert any(line.endswith(expected) for line in result.output.splitlines()), result.output
    assert "Traceback" not in result.output


def test_unassessed_objective_and_uncited_source_are_warnings(make_project, run):
    module = MODULE.replace(
        "quotes:\n  - text: every time you press a button\n    speaker: Someone\n    source: src\n", ""
    )
    untested = "  - id: name-alpha\n    action: Name a way phones emit\n    condition: Given a list\n    standard: Names one\n    bloom: remember\n"
    module = module.replace("sections:\n", untested + "sections:\n", 1)
    module = module.replace("objectives: [explain-alpha]", "objectives: [explain-alpha, name-alpha]")
    module = module.replace("source: src}", "source: other}")
    sources = SOURCES + SOURCES.replace("id: src", "id: other")
    root = make_project({"content/modules/alpha.yaml": module, "content/sources.yaml": sources})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "warning: source 'src' is cited nowhere" in result.output
    line = line_of(module, "  - id: name-alpha")
    assert f"alpha.yaml:{line}: warning: objective 'name-alpha' is assessed by no quiz item" in result.output
    strict = run("check", "--project", root, "--strict")
    assert strict.exit_code == 1
    assert strict.output.endswith("0 errors, 4 warnings (--strict: a warning fails the check)\n")


def test_forms_too_short_to_test_every_objective_are_warned(make_project, run):
    second = "  - id: name-alpha\n    action: Name a way phones emit\n    condition: Given a list\n    standard: Names one\n    bloom: remember\n"
    module = MODULE.replace("sections:\n", second + "sections:\n", 1)
    module = module.replace("objective: explain-alpha, prompt: Pick", "objective: name-alpha, prompt: Pick")
    module = module.replace("objectives: [explain-alpha]", "objectives: [explain-alpha, name-alpha]")
    pack = PACK.replace("questions: 2,", "questions: 1,")
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    expected = (
        f"basic.yaml:{line_of(pack, 'quiz:')}: warning: quiz.questions: draws 1 questions for 2 objectives, "
        "so every form leaves some objective untested; draw at least 2"
    )
    assert any(line.endswith(expected) for line in result.output.splitlines()), result.output


# ---------------------------------------------------------------- the quizzes test behavior, fairly

APPLY_OR_ABOVE = {"apply", "analyze", "evaluate", "create"}


def pack_items(curriculum):
    """Yield each default pack with its modules as its audience reads them."""
    for pack in curriculum.packs.values():
        yield pack, curriculum.pack_modules(pack)


def test_every_form_takes_at_least_60_percent_of_its_points_from_apply_or_above(curriculum):
    for pack, modules in pack_items(curriculum):
        level = {(m.id, o.id): o.bloom for m in modules for o in m.objectives}
        for form in draw_forms(pack, modules):
            high = sum(q.points for q in form.questions if level[(q.module.id, q.item.objective)] in APPLY_OR_ABOVE)
            assert high / form.points >= 0.6, (pack.id, form.letter, high, form.points)


def test_right_answers_spread_over_the_letters_and_true_false_both_ways(curriculum):
    for pack, modules in pack_items(curriculum):
        items = [item for m in modules for item in m.quiz]
        singles = [item for item in items if isinstance(item, SingleChoice)]
        shared = letters(min(len(item.choices) for item in singles))
        counts = Counter(item.answer for item in singles)
        assert max(counts[x] for x in shared) - min(counts[x] for x in shared) <= balance_tolerance(len(singles)), (
            pack.id,
            counts,
        )
        drawn = [item for _, item in draw_items(pack, modules)]
        for pool in (items, drawn):
            answers = [item.answer for item in pool if isinstance(item, TrueFalse)]
            assert answers.count(True) and answers.count(False), pack.id
            assert abs(answers.count(True) - answers.count(False)) <= balance_tolerance(len(answers)), pack.id


def test_every_form_tests_each_objective_at_least_twice(curriculum):
    for pack, modules in pack_items(curriculum):
        drawn = Counter((m.id, item.objective) for m, item in draw_items(pack, modules))
        for module in modules:
            for objective in module.objectives:
                assert drawn[(module.id, objective.id)] >= 2, (pack.id, module.id, objective.id)


def test_the_balance_checks_find_nothing_in_the_default_packs():
    project, _ = load_project(REPO)
    assert [str(p) for p in lint_answer_balance(project)] == []
    assert [str(p) for p in lint_objective_coverage(project)] == []


def test_no_quote_twice_in_one_pack(curriculum):
    for pack, modules in pack_items(curriculum):
        quotes = [" ".join(q.text.split()) for m in modules for q in m.quotes]
        assert len(quotes) == len(set(quotes)), pack.id


# ---------------------------------------------------------------- each pack reads as written for its learners

# Words a villager should never meet: orders, kit and positions belong to soldiers.
MILITARY = (
    "as your unit orders",
    "your unit",
    "kit check",
    "tell your leader",
    "your position",
    "the position",
    "dugout",
    "trench",
    "commanders and ncos",  # a module's other audiences, once named in its header
)
BRIEFING_WORDS_PER_TAUGHT_MINUTE = 110


def learner_text(path: Path) -> str:
    """Return the words a learner reads in a built file, lowercased, whitespace collapsed."""
    if path.suffix == ".pdf":
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    else:
        text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.replace("’", "'").split()).casefold()


def test_the_civilian_pack_speaks_to_villagers(curriculum, default_build):
    pack = curriculum.packs["civilian-frontline"]
    assert pack.quiz.fields == ["name", "date"]
    folder = default_build / pack.id
    learner = ["briefing.html", "briefing.pdf", "card.pdf", "quiz.html", "quiz-A.pdf", "quiz-B.pdf"]
    learner += [p.name for p in folder.glob("exercise*.pdf")]
    for name in learner:
        text = learner_text(folder / name)
        assert "husarivka" in text or name.startswith(("card", "quiz-")), name
        for phrase in MILITARY:
            assert phrase not in text, (name, phrase)


def test_briefing_text_fits_the_taught_minutes(curriculum, default_build):
    for pack in curriculum.packs.values():
        taught = pack.minutes - pack.quiz.minutes
        words = len(learner_text(default_build / pack.id / "briefing.html").split())
        assert words <= BRIEFING_WORDS_PER_TAUGHT_MINUTE * taught, (pack.id, words, taught)
