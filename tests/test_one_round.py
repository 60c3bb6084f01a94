"""`emcon check` in one round: validation, cross-references and lint on everything that parsed, no follow-on noise.

A file that fails validation is still read for what it defines and names: its valid parts are
checked like any other, the ids it defines silence "is not defined" elsewhere, and checks that add
records up (timings, "in no pack", "cited nowhere") stay silent rather than guess.
"""

from __future__ import annotations

from conftest import FEW_ITEMS, GLOSSARY, MODULE, PACK, QUIZ_LINE, SOURCES

BETA = (
    MODULE.replace("id: alpha", "id: beta")
    .replace("{id: a-", "{id: b-")
    .replace("minutes: 5\n", "minuets: 5\n", 1)  # a misspelt key
    .replace("source: src\n", "source: src2\n", 1)  # its quote cites the source that fails below
)

FIVE_FILES = {
    # validation fails, and the same file names a source that does not exist and a term whose record fails
    "content/modules/alpha.yaml": MODULE.replace("bloom: understand", "bloom: memorize")
    .replace("glossary: [emcon]", "glossary: [emcon, imsi]")
    .replace("explanation: Yes (src)., source: src}", "explanation: Yes (src)., source: scr}"),
    "content/modules/beta.yaml": BETA,
    "content/packs/basic.yaml": PACK.replace("minutes: 6", "minutes: six").replace("[alpha]", "[alpha, beta]"),
    "content/sources.yaml": SOURCES + "- {id: src2, title: Another, publisher: P, date: last week, reliability: R.}\n",
    "content/glossary.yaml": GLOSSARY + "- id: imsi\n  term: IMSI catcher\n",
}


def test_one_error_in_each_of_five_files_gives_all_five_in_one_run(make_project, run):
    root = make_project(FIVE_FILES)
    result = run("check", "--project", root)
    assert result.exit_code == 1
    shown = root.as_posix()
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{shown}/content/glossary.yaml:5: [1].definition: missing required key",
        f"{shown}/content/modules/alpha.yaml:11: objectives[0].bloom: 'memorize' is not one of "
        "'remember', 'understand', 'apply', 'analyze', 'evaluate' or 'create'",
        # a cross-reference in a file that failed validation, reported in the same run
        f"{shown}/content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",  # and lint, in the same run
        f"{shown}/content/modules/alpha.yaml:41: quiz[1].source: source 'scr' is not defined (did you mean 'src'?)",
        f"{shown}/content/modules/beta.yaml:5: minuets: unknown key 'minuets' (did you mean 'minutes'?)",
        f"{shown}/content/modules/beta.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{shown}/content/packs/basic.yaml:4: minutes: expected a whole number, got text ('six')",
        f"{shown}/content/sources.yaml:7: [1].date: expected a date like 2026-11-22, got text ('last week')",
        "6 errors, 2 warnings",
    ]
    # No follow-on noise: beta's src2 and alpha's imsi are defined by records that failed, the modules are in
    # the pack that failed, and the pack's minutes are not added up while a module's minutes are unknown.


def test_a_pack_that_cannot_be_read_leaves_its_modules_unwarned(make_project, run):
    root = make_project({"content/packs/basic.yaml": PACK.replace("modules: [alpha]", "modules: [alpha")})
    result = run("check", "--project", root)
    assert result.stderr.splitlines() == [
        f"{root.as_posix()}/content/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{root.as_posix()}/content/packs/basic.yaml:7: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts at line 6)",
        "1 error, 1 warning",
    ]  # and no "module 'alpha' is in no pack"


def test_a_module_whose_objective_fails_is_still_checked_without_noise(make_project, run):
    module = (
        MODULE.replace("bloom: understand", "bloom: 3")
        .replace("glossary: [emcon]", "glossary: [emcon, imsi]")
        .replace("- heading: Why\n", "- heading: Why\n    figure: {file: figures/none.svg, caption: C, alt: A}\n")
    )
    root = make_project({"content/modules/alpha.yaml": module})
    result = run("check", "--project", root)
    shown = f"{root.as_posix()}/content/modules/alpha.yaml"
    # quiz items and steps name the objective that failed: no "objective 'explain-alpha' is not defined"
    assert result.stderr.splitlines() == [
        f"{shown}:11: objectives[0].bloom: 3 is not one of 'remember', 'understand', 'apply', 'analyze', "
        "'evaluate' or 'create'",
        f"{shown}:14: sections[0].figure.file: figure file 'figures/none.svg' not found in content/",
        f"{shown}:{QUIZ_LINE}: glossary[1]: glossary term 'imsi' is not defined",
        f"{shown}:{QUIZ_LINE + 1}: warning: {FEW_ITEMS}",
        "3 errors, 1 warning",
    ]


def test_a_step_showing_a_part_that_failed_is_not_reported(make_project, run):
    module = MODULE.replace(
        "  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}",
        "  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha], shows: ['sections[1]', 'quotes[3]']}",
    ).replace("key_points: [Phones emit.]", "  - heading: Broken\nkey_points: [Phones emit.]")
    root = make_project({"content/modules/alpha.yaml": module})
    result = run("check", "--project", root)
    shown = f"{root.as_posix()}/content/modules/alpha.yaml"
    assert result.stderr.splitlines() == [
        f"{shown}:28: sections[1].body: missing required key",
        f"{shown}:38: steps[0].shows[1]: 'quotes[3]' is not a part of this module; it has quotes[0] to quotes[0]",
        f"{shown}:{QUIZ_LINE + 1}: warning: {FEW_ITEMS}",
        "2 errors, 1 warning",
    ]


def test_two_problems_in_one_part_are_both_reported_and_nothing_else_breaks(make_project, run):
    pack = PACK + "card:\n  do: [a, b, c, d]\n  remember:\n    - " + "x" * 91 + "\n"
    module = MODULE.replace("rules:\n  do: [Switch it off.]\n  dont: [Gather at signal spots.]\n", "rules: {}\n")
    root = make_project({"content/packs/basic.yaml": pack, "content/modules/alpha.yaml": module})
    result = run("check", "--project", root)
    shown = root.as_posix()
    assert result.stderr.splitlines() == [
        f"{shown}/content/modules/alpha.yaml:29: rules.do: missing required key",
        f"{shown}/content/modules/alpha.yaml:29: rules.dont: missing required key",
        f"{shown}/content/modules/alpha.yaml:{QUIZ_LINE - 2}: warning: {FEW_ITEMS}",
        f"{shown}/content/packs/basic.yaml:9: card.do: is too long: at most 3 items",
        f"{shown}/content/packs/basic.yaml:11: card.remember[0]: is too long: at most 90 characters",
        "4 errors, 1 warning",
    ]
