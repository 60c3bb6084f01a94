"""The authoring workflow: check's designer warnings, list, new, init and schema."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

import emcon
from conftest import FEW_ITEMS, MODULE, PACK, QUIZ_LINE, REPO, flat, line_of
from emcon.cli import main
from emcon.schema import KINDS, schema_for
from emcon.theme import default_theme_dir


def problem_lines(output: str) -> list[str]:
    """Return the path:line: lines of check's output."""
    return [line for line in output.splitlines() if re.match(r"^\S+:\d+: ", line)]


# ---------------------------------------------------------------- designer's warnings


def test_vague_objective_verb_gets_bloom_suggestions(make_project, run):
    module = MODULE.replace("action: Explain why a phone emits", "action: Understand why a phone emits")
    root = make_project({"content/modules/alpha.yaml": module})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    path = (root / "content/modules/alpha.yaml").as_posix()
    assert problem_lines(result.output) == [
        f"{path}:{line_of(module, 'action: Understand')}: warning: objectives[0].action: 'understand' cannot be "
        "observed or measured; for bloom 'understand' start with a verb such as explain, describe, summarize, "
        "classify, compare",
        f"{path}:{QUIZ_LINE}: warning: {FEW_ITEMS}",
    ]


@pytest.mark.parametrize("action", ["Know the rule", "To be aware of the risk", "learn why", "Appreciate phones"])
def test_vague_verbs_are_recognised(make_project, run, action):
    root = make_project({"content/modules/alpha.yaml": MODULE.replace("Explain why a phone emits", action)})
    assert "cannot be observed or measured" in run("check", "--project", root).output


def test_strict_makes_designer_warnings_errors(make_project, run):
    root = make_project({"content/modules/alpha.yaml": MODULE.replace("Explain why a phone emits", "Know phones")})
    result = run("check", "--project", root, "--strict")
    assert result.exit_code == 1
    assert result.output.endswith(
        "0 errors, 2 warnings (--strict: a warning fails the check)\n"
    )  # the vague verb, and 2 quiz items of the 6 asked for


def test_module_in_no_pack_unused_term_and_missing_explanation(make_project, run):
    module = MODULE.replace(" explanation: They do (src).,", "").replace("glossary: [emcon]", "glossary: []")
    beta = module.replace("id: alpha", "id: beta").replace("a-1", "b-1").replace("a-2", "b-2")
    root = make_project({"content/modules/alpha.yaml": module, "content/modules/beta.yaml": beta})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    content = (root / "content").as_posix()
    quiz_line = line_of(module, "  - {id: a-1")
    unexplained = "has no explanation; the answer key and self-check quiz show one"
    assert problem_lines(result.output) == [
        f"{content}/glossary.yaml:1: warning: glossary term 'emcon' is used by no module; "
        "list it under a module's glossary or remove it",
        f"{content}/modules/alpha.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{content}/modules/alpha.yaml:{quiz_line}: warning: quiz[0]: item 'a-1' {unexplained}",
        f"{content}/modules/beta.yaml:1: warning: module 'beta' is in no pack; "
        "list it under a pack's modules to build it",
        f"{content}/modules/beta.yaml:{QUIZ_LINE}: warning: {FEW_ITEMS}",
        f"{content}/modules/beta.yaml:{quiz_line}: warning: quiz[0]: item 'b-1' {unexplained}",
    ]


@pytest.mark.parametrize(
    "minutes, key_points, message",
    [
        # the minimal module's text is 182 words: a 60-minute lesson needs a quarter of 60 x 130 words
        (
            60,
            1,
            "minutes: 60, but its text has only 182 words (at least 1950 expected); add teaching text or lower minutes",
        ),
        # 45 key points of 2 words make 270: more than twice what one minute holds (260)
        (1, 45, "minutes: 1, but its text has 270 words (at most 260 expected); shorten it, split it or raise minutes"),
    ],
)
def test_module_far_too_short_or_long_for_its_minutes(make_project, run, minutes, key_points, message):
    module = MODULE.replace("minutes: 5", f"minutes: {minutes}")
    module = module.replace("key_points: [Phones emit.]", f"key_points: [{', '.join(['Phones emit.'] * key_points)}]")
    pack = PACK.replace("minutes: 6", f"minutes: {minutes + 1}")  # the module and the 1-minute quiz
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    path = (root / "content/modules/alpha.yaml").as_posix()
    assert problem_lines(result.output) == [
        f"{path}:5: warning: {message}",
        f"{path}:{QUIZ_LINE}: warning: {FEW_ITEMS}",
    ]


# ---------------------------------------------------------------- check --format json


def test_check_json_carries_every_problem_sorted(make_project, run):
    module = MODULE.replace("minutes: 5\n", "minutes: five\n").replace("Explain why", "Know why")
    root = make_project({"content/modules/alpha.yaml": module, "content/modules/zeta.yaml": "id: [\n"})
    result = run("check", "--project", root, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["ok"] is False
    assert document["summary"] == "2 errors, 2 warnings"
    problems = document["problems"]
    assert [(p["path"].rsplit("/", 1)[-1], p["line"], p["severity"]) for p in problems] == [
        ("alpha.yaml", 5, "error"),
        ("alpha.yaml", 8, "warning"),  # the module failed validation, yet its objectives are linted in the same run
        ("alpha.yaml", QUIZ_LINE, "warning"),  # and its quiz
        ("zeta.yaml", 2, "error"),
    ]
    assert problems[0]["message"] == "minutes: expected a whole number, got text ('five')"
    assert problems == sorted(problems, key=lambda p: (p["path"], p["line"]))


def test_check_json_on_clean_content(make_project, run):
    root = make_project({"content/modules/alpha.yaml": MODULE.replace("Explain why", "Know why")})
    result = run("check", "--project", root, "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["ok"] is True and document["modules"] == 1 and document["packs"] == 1
    problem, few = document["problems"]
    assert problem["severity"] == "warning" and problem["line"] == line_of(MODULE, "action: Explain")
    assert set(problem) == {"path", "line", "message", "severity"}
    assert (few["line"], few["message"]) == (QUIZ_LINE, FEW_ITEMS)


# ---------------------------------------------------------------- list


def test_list_shows_modules_and_packs_of_the_default_curriculum(run):
    result = run("list", "--project", REPO)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["MODULE", "TITLE", "AUDIENCE", "MINUTES", "OBJECTIVES", "QUIZ", "PACKS"]
    rows = {re.split(r"\s{2,}", line)[0]: re.split(r"\s{2,}", line) for line in lines if line}
    assert rows["husarivka"][2:] == [
        "civilian",
        "10",
        "2",
        str(_quiz_count("husarivka")),
        "civilian-frontline,civilian-frontline-uk",
    ]
    pack_header = next(line for line in lines if line.startswith("PACK "))
    assert re.split(r"\s{2,}", pack_header) == ["PACK", "AUDIENCE", "MINUTES", "MODULES", "FORMS"]
    assert rows["soldier-basic"] == ["soldier-basic", "soldier", "60", "6", "2"]


def test_list_still_shows_the_table_when_minutes_do_not_add_up(make_project, run):
    root = make_project({"content/packs/basic.yaml": PACK.replace("minutes: 6", "minutes: 9")})
    result = CliRunner().invoke(main, ["list", "--project", str(root)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split() == ["alpha", "Alpha", "lesson", "soldier", "5", "1", "2", "basic"]
    assert result.stderr == "note: the content has problems (1 error, 1 warning); run `emcon check`\n"


def _quiz_count(module: str) -> int:
    return len(yaml.safe_load((REPO / "content/modules" / f"{module}.yaml").read_text(encoding="utf-8"))["quiz"])


# ---------------------------------------------------------------- new module


def placeholder(path: str, text: str, needle: str, loc: str) -> str:
    """Return check's warning for the placeholder text at the line of needle."""
    return (
        f"{path}:{line_of(text, needle)}: warning: {loc}: placeholder text (it begins with TODO); write the real text"
    )


def test_new_module_skeleton_passes_check_but_warns_until_filled_in(make_project, run):
    root = make_project()
    result = run("new", "module", "phone-off", "--project", root, "--title", "Phones: off, and why")
    assert result.exit_code == 0, result.output
    path = root / "content/modules/phone-off.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../.emcon/schema/module.json"
    assert json.loads((root / ".emcon/schema/module.json").read_text(encoding="utf-8")) == schema_for("module")
    data = yaml.safe_load(text)
    jsonschema.Draft202012Validator(schema_for("module")).validate(as_json(data))
    assert (data["id"], data["title"], data["quiz"][0]["source"]) == ("phone-off", "Phones: off, and why", "src")
    assert data["audience"] == ["soldier"]  # the audience the curriculum already uses
    assert data["rules"]["do"] == ["TODO: Say what to do, as a short command."]  # one rule, not split at the comma
    check = run("check", "--project", root)
    assert check.exit_code == 0, check.output
    shown = path.as_posix()
    # the author's next steps: fill in every placeholder, write 5 more quiz items, put the module in a pack
    assert [line for line in problem_lines(check.output) if "phone-off" in line] == [
        f"{shown}:{line_of(text, 'id: phone-off')}: warning: module 'phone-off' is in no pack; "
        "list it under a pack's modules to build it",
        placeholder(shown, text, "summary: >-", "summary"),
        placeholder(shown, text, "    body: |", "sections[0].body"),
        placeholder(shown, text, '  - "TODO: State the one', "key_points[0]"),
        placeholder(shown, text, '    - "TODO: Say what to do', "rules.do[0]"),
        placeholder(shown, text, '    - "TODO: Say what never', "rules.dont[0]"),
        placeholder(shown, text, '    say: "TODO', "steps[0].say"),
        placeholder(shown, text, '    ask: "TODO', "steps[1].ask"),
        placeholder(shown, text, '    listen_for: "TODO', "steps[1].listen_for"),
        f"{shown}:{line_of(text, 'quiz:')}: warning: quiz: 1 item; a module needs at least 6 that together assess "
        "every objective (docs/content.md): add 5 more",
        placeholder(shown, text, '    prompt: "TODO', "quiz[0].prompt"),
        placeholder(shown, text, '    explanation: "TODO', "quiz[0].explanation"),
    ]
    assert run("check", "--project", root, "--strict").exit_code == 1


def test_new_pack_teaches_every_module_with_minutes_that_add_up(make_project, run):
    root = make_project()
    assert run("new", "module", "phone-off", "--project", root).exit_code == 0
    result = run("new", "pack", "refresher", "--project", root)
    assert result.exit_code == 0, result.output
    path = root / "content/packs/refresher.yaml"
    assert (
        result.output == f"wrote {path.as_posix()}: fill it in, keep the modules it teaches, then run `emcon check`\n"
    )
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../.emcon/schema/pack.json"
    data = yaml.safe_load(text)
    jsonschema.Draft202012Validator(schema_for("pack")).validate(as_json(data))
    assert (data["id"], data["title"], data["audience"], data["modules"]) == (
        "refresher",
        "Refresher",
        "soldier",
        ["alpha", "phone-off"],
    )
    assert data["minutes"] == 2 + 5 + 5 + 3 + 10  # opening, the two modules, closing, the quiz
    check = run("check", "--project", root)
    assert check.exit_code == 0, check.output
    shown = path.as_posix()
    pack_lines = [line for line in problem_lines(check.output) if "refresher.yaml" in line]
    assert pack_lines[:7] == [
        placeholder(shown, text, 'subtitle: "TODO', "subtitle"),
        placeholder(shown, text, '  action: "TODO', "terminal_objective.action"),
        placeholder(shown, text, '  condition: "TODO', "terminal_objective.condition"),
        placeholder(shown, text, '  standard: "TODO', "terminal_objective.standard"),
        placeholder(shown, text, '    say: "TODO', "opening[0].say"),
        placeholder(shown, text, '    ask: "TODO', "closing[0].ask"),
        placeholder(shown, text, '    listen_for: "TODO', "closing[0].listen_for"),
    ]
    assert "module 'phone-off' is in no pack" not in check.output
    assert run("check", "--project", root, "--strict").exit_code == 1


def test_new_pack_needs_a_module_first(make_project, run):
    root = make_project({"content/sources.yaml": "[]\n"}, base={})
    result = run("new", "pack", "first", "--project", root)
    assert result.exit_code == 1
    assert result.output == (
        "Error: a pack teaches modules, and there are none yet: write one with `emcon new module ID`\n"
    )
    assert not (root / "content/packs").exists()


def test_new_module_refuses_to_overwrite(make_project, run):
    root = make_project()
    path = root / "content/modules/alpha.yaml"
    before = path.read_bytes()
    result = run("new", "module", "alpha", "--project", root)
    assert result.exit_code == 1
    assert result.output == f"Error: {path.as_posix()} already exists; choose another id or edit that file\n"
    assert path.read_bytes() == before


def test_new_module_rejects_a_bad_id(make_project, run):
    root = make_project()
    result = run("new", "module", "Phone_Off", "--project", root)
    assert result.exit_code == 2
    assert "Invalid value for ID: 'Phone_Off' is not a valid id: use lowercase letters, digits" in result.output


def test_new_module_without_sources_still_passes_check(make_project, run):
    root = make_project({"content/sources.yaml": "[]\n"}, base={})
    assert run("new", "module", "first", "--project", root).exit_code == 0
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "objective 'explain-main-idea' is assessed by no quiz item" in result.output


# ---------------------------------------------------------------- init


INIT_FILES = {
    "emcon.yaml": "settings",
    "content/modules/using-a-fire-extinguisher.yaml": "module",
    "content/packs/staff-induction.yaml": "pack",
    "content/packs/warden-course.yaml": "pack",
    "content/sources.yaml": "sources",
    "content/glossary.yaml": "glossary",
}
# Words of the default curriculum (emissions discipline at the front) that a neutral example must not use.
SUBJECT_WORDS = re.compile(
    r"phone|soldier|civilian|front line|the front|artillery|shell|ukrain|russia|military|emission|sigint|"
    r"unclassified|distribution a|husarivka|makiivka",
    re.IGNORECASE,
)


def test_init_asks_nothing_and_writes_a_neutral_example_of_every_feature(tmp_path, run):
    folder = tmp_path / "course"
    result = CliRunner().invoke(main, ["init", str(folder)], input="")  # nothing to answer
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert [p for p in written if not p.startswith(".emcon/")] == sorted(
        [
            *INIT_FILES,
            ".gitignore",
            "content/figures/pass.svg",
            "sources/example-guide.txt",
            "templates/README.md",
        ]
    )
    assert (folder / ".gitignore").read_text() == "build/\n.build.emcon-lock\n"
    for name in written:
        if not name.startswith(".emcon/"):
            assert not SUBJECT_WORDS.findall((folder / name).read_text(encoding="utf-8")), name
    for name, kind in INIT_FILES.items():
        text = (folder / name).read_text(encoding="utf-8")
        schema = json.loads(((folder / name).parent / text.splitlines()[0].split("$schema=")[1]).read_text())
        assert schema["title"] == f"emcon {kind}"  # the editor's line points at the right schema
        jsonschema.Draft202012Validator(schema).validate(as_json(yaml.safe_load(text)))
    module = yaml.safe_load((folder / "content/modules/using-a-fire-extinguisher.yaml").read_text(encoding="utf-8"))
    assert sorted({item["type"] for item in module["quiz"]}) == sorted(
        ["single", "multiple", "true-false", "short", "matching", "ordering"]
    )
    assert any("figure" in s for s in module["sections"]) and module["quotes"] and module["case_studies"]
    assert all(module["steps"][0].get(k) for k in ("say", "ask", "listen_for"))
    assert module["exercises"][0]["rubric"] and module["per_audience"] and module["glossary"]
    assert any(s.get("audiences") for s in module["sections"])


def test_init_checks_clean_with_its_sources_and_builds(tmp_path, run):
    folder = tmp_path / "course"
    assert run("init", folder).exit_code == 0
    check = run("check", "--project", folder, "--strict", "--sources", folder / "sources")
    assert check.exit_code == 0, check.output
    assert check.output == "1 module, 2 packs: 0 errors, 0 warnings\n"  # its quote was found in its source
    build = run("build", "--project", folder, "--only", "briefing-html", "--only", "briefing-pdf")
    assert build.exit_code == 0, build.output
    staff = flat(
        "\n".join(page.extract_text() for page in PdfReader(folder / "build/staff-induction/briefing.pdf").pages)
    )
    warden = flat(
        "\n".join(page.extract_text() for page in PdfReader(folder / "build/warden-course/briefing.pdf").pages)
    )
    assert "Fire safety for all staff" in staff and "Pull, aim low, squeeze, sweep." in staff
    assert "For fire wardens: after the fire" in warden and "For fire wardens" not in staff
    assert "Using a portable fire extinguisher" in (folder / "build/staff-induction/briefing.html").read_text("utf-8")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, run):
    (tmp_path / "notes.txt").write_text("mine")
    result = run("init", tmp_path)
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path.as_posix()} is not an empty folder; emcon init only starts new ones\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# ---------------------------------------------------------------- schema


def as_json(data):
    """Return YAML data as JSON would carry it (dates become text)."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_is_valid_json_schema(kind, run):
    result = run("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == schema_for(kind)
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)


def test_schema_without_kind_accepts_any_content_file(run):
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    pack = as_json(yaml.safe_load((REPO / "content/packs/leader-brief.yaml").read_text(encoding="utf-8")))
    assert validator.is_valid(pack)
    assert not validator.is_valid(dict(pack, audience="General staff"))  # an audience is an id


def test_schema_accepts_every_file_of_the_default_curriculum():
    content = REPO / "content"
    files = [(p, "module") for p in sorted(content.glob("modules/*.yaml"))]
    files += [(p, "pack") for p in sorted(content.glob("packs/*.yaml"))]
    files += [(content / "sources.yaml", "sources"), (content / "glossary.yaml", "glossary")]
    assert len(files) == 8 + 5 + 2  # modules, packs (two of them Ukrainian editions), sources and glossary
    for path, kind in files:
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        jsonschema.Draft202012Validator(schema_for(kind)).validate(data)


def test_schema_rejects_a_broken_module():
    module = as_json(yaml.safe_load((REPO / "content/modules/makiivka.yaml").read_text(encoding="utf-8")))
    validator = jsonschema.Draft202012Validator(schema_for("module"))
    broken = dict(module, minuets=8)
    del broken["title"]
    broken["quiz"] = [dict(module["quiz"][0], type="essay")]
    messages = sorted(e.message for e in validator.iter_errors(broken))
    assert "'title' is a required property" in messages
    assert any("'minuets' was unexpected" in m for m in messages)
    assert not validator.is_valid(dict(module, quiz=[dict(module["quiz"][0], type="essay")]))


# ---------------------------------------------------------------- commands that help

NO_CONTENT = (
    "error: no content/ folder in {}, so it holds no curriculum: start one with `emcon init DIR`, "
    "or pass --project DIR naming the folder that holds content/\n"
)


@pytest.mark.parametrize("command", [("check",), ("list",), ("build",), ("new", "module", "first")])
def test_a_folder_without_content_names_the_folder_and_the_way_out(tmp_path, command):
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(main, list(command))
    assert result.exit_code == 1
    assert result.output == NO_CONTENT.format(tmp_path.resolve())  # no meaningless ".:1:"
    assert list(tmp_path.iterdir()) == []


def test_theme_path_prints_the_default_theme_folder(run):
    result = run("theme", "path")
    assert result.exit_code == 0
    folder = Path(result.output.rstrip("\n"))
    assert (
        folder == default_theme_dir()
        and (folder / "briefing.html").is_file()
        and (folder / "strings/en.yaml").is_file()
    )
    readme = (Path(emcon.__file__).parent / "skeletons/init/templates/README.md").read_text(encoding="utf-8")
    assert "    emcon theme path\n" in readme and "python -c" not in readme
