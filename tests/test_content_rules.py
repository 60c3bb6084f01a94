"""Content rules that keep output right: no follow-on noise, packs without a quiz, messages safe to print."""

from __future__ import annotations

import contextlib
import re

from conftest import MODULE, PACK
from emcon.errors import Problem

NO_QUIZ = MODULE.split("quiz:\n")[0]


def test_a_pack_that_fails_to_load_adds_no_module_in_no_pack_warnings(make_project, run):
    root = make_project({"content/packs/basic.yaml": PACK.replace("minutes: 6", "minutes: five")})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert (
        result.stdout.splitlines() == [] and [line for line in result.stderr.splitlines() if "in no pack" in line] == []
    )
    assert "content/packs/basic.yaml:4: minutes: expected a whole number, got text ('five')" in result.stderr


def test_a_pack_whose_modules_have_no_quiz_items_passes_check_and_builds(make_project, run):
    pack = PACK.replace("minutes: 6", "minutes: 5")  # no quiz items: no written quiz in the timetable
    root = make_project({"content/modules/alpha.yaml": NO_QUIZ, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "questions" not in result.output
    result = run("build", "--project", root, "--only", "briefing-html")
    assert result.exit_code == 0, result.output


def test_control_characters_in_messages_are_printed_as_escapes():
    problem = Problem("content/modules/a.yaml", 3, "unknown key '\x1b[2K\rfake.yaml:1: ok\u202e'")
    assert str(problem) == "content/modules/a.yaml:3: unknown key '\\x1b[2K\\x0dfake.yaml:1: ok\\u202e'"
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f]", str(problem))


NO_RULES = MODULE.replace("rules:\n  do: [Switch it off.]\n  dont: [Gather at signal spots.]\n", "")
EMPTY_DO = (
    "content/packs/basic.yaml:1: card.do: the pocket card's 'do' panel would be empty: no rules of its modules fit "
    "the card (at most 90 characters); write the lines under card.do"
)


def test_a_pocket_card_with_an_empty_panel_is_not_built(make_project, run):
    root = make_project({"content/modules/alpha.yaml": NO_RULES})
    with contextlib.chdir(root):
        result = run("check")
        assert EMPTY_DO.replace(": card.do: ", ": warning: card.do: ", 1) in result.stdout.splitlines()
        result = run("build", "--only", "card-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        EMPTY_DO,
        EMPTY_DO.replace("'do'", "'dont'").replace("card.do", "card.dont"),
    ]
    assert not (root / "build/basic/card.pdf").exists()
