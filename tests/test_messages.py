"""Messages that show the fix: each names the file and line, what is wrong and what to write instead."""

from __future__ import annotations

from conftest import FEW_ITEMS, MODULE, QUIZ_LINE, SOURCES, line_of
from emcon.errors import Problem, errors_in
from emcon.theme import Theme


def test_a_strings_override_changes_one_word_of_a_group(make_project):
    root = make_project({"templates/strings/en.yaml": "parts:\n  opening: Start\n"})
    words = Theme(root / "templates").strings("en")
    default = Theme(None).strings("en")
    assert words["parts"] == default["parts"] | {"opening": "Start"}  # the group's other words stay the default
    assert {k: v for k, v in words.items() if k != "parts"} == {k: v for k, v in default.items() if k != "parts"}


def test_a_strings_override_error_names_the_override_file_and_key(make_project, run):
    override = "parts:\n  opening: Start\nkinds: Everything\nquiz:\n  pass_mark:\n    a: b\n"
    root = make_project({"templates/strings/en.yaml": override})
    result = run("build", "--project", root, "--only", "briefing-html")
    assert result.exit_code == 1
    shown = f"{root.as_posix()}/templates/strings/en.yaml"
    assert result.stderr.splitlines() == [
        f"{shown}:3: kinds: the default is a mapping of words, not one text; set the words under it",
        f"{shown}:5: quiz.pass_mark: expected text, as in the default, got a mapping",
        "2 errors, 0 warnings",
    ]


# ---------------------------------------------------------------- quotes against their sources

QUOTED = MODULE.replace(
    "  - text: every time you press a button\n", "  - text: every time you press a button, you're emitting\n"
)


def check_sources(make_project, run, copy: str, *args: str, sources: str = SOURCES):
    root = make_project({"content/modules/alpha.yaml": QUOTED, "copies/src.txt": copy, "content/sources.yaml": sources})
    return root, run("check", "--project", root, "--sources", root / "copies", *args)


def test_a_quote_one_word_off_shows_the_closest_passage_and_where_it_differs(make_project, run):
    copy = "The general said that\nevery time you press the button, you're emitting. Then he left."
    root, result = check_sources(make_project, run, copy)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{root.as_posix()}/content/modules/alpha.yaml:{line_of(QUOTED, '  - text: every')}: quotes[0].text: quote not "
        "found verbatim in source 'src'; the closest passage first differs at the brackets: "
        """source "every time you press [the] button, you're emitting", """
        """quote "every time you press [a] button, you're emitting\"""",
        f"{root.as_posix()}/content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        "1 error, 1 warning",
    ]


def test_a_straight_apostrophe_for_a_curly_one_is_named_as_such(make_project, run):
    copy = "every time you press a button, you’re emitting"
    root, result = check_sources(make_project, run, copy)
    assert result.stderr.splitlines()[0].endswith(
        """source "…y time you press a button, you[’]re emitting", quote "…y time you press a button, you[']re """
        """emitting" (quote marks, apostrophes, dashes or spaces differ: copy the source's characters)"""
    )


def test_a_quote_from_another_text_says_no_passage_comes_close(make_project, run):
    root, result = check_sources(make_project, run, "A text about the weather in spring, and nothing else at all.")
    assert result.stderr.splitlines()[0].endswith(
        "quotes[0].text: quote not found verbatim in source 'src'; no passage of the source comes close; "
        "is it the right source?"
    )


def test_a_source_without_a_local_copy_is_a_note_not_an_error(make_project, run):
    sources = SOURCES.replace("file: src.txt", "file: none   # a web page only")
    root, result = check_sources(make_project, run, "", sources=sources)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{root.as_posix()}/content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{root.as_posix()}/content/sources.yaml:6: note: file: none: 1 quote of source 'src' was not verified "
        "(no local copy)",
        "1 module, 1 pack: 0 errors, 1 warning, 1 note",
    ]
    without = run("check", "--project", root).stdout.splitlines()  # without --sources no quote is checked at all
    assert without[1:] == [
        "note: quotes were not checked against their sources (pass --sources DIR)",
        "1 module, 1 pack: 0 errors, 1 warning",
    ]
    assert errors_in([Problem("content/sources.yaml", 6, "not verified", "note")], strict=True) == []  # never an error


def test_a_source_that_names_no_copy_says_how_to_name_one_or_none(make_project, run):
    sources = SOURCES.replace("  file: src.txt\n", "")
    root, result = check_sources(make_project, run, "", sources=sources)
    assert result.stderr.splitlines() == [
        f"{root.as_posix()}/content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{root.as_posix()}/content/sources.yaml:1: source 'src' names no local copy: add `file: NAME` (its text in "
        f"{root / 'copies'}), or `file: none` when there is none (its quotes are then not verified)",
        "1 error, 1 warning",
    ]
