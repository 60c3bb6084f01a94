"""A pack reads each module as its audience does: parts for others left out, steps still pointing at the right parts."""

from pathlib import Path

from conftest import FEW_ITEMS, MODULE, line_of
from emcon.project import load_project

TWO_QUOTES = MODULE.replace(
    """quotes:
  - text: every time you press a button
    speaker: Someone
    source: src
steps:
  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}
""",
    """quotes:
  - text: for civilians only
    speaker: Someone
    source: src
    audiences: [civilian]
  - text: every time you press a button
    speaker: Someone
    source: src
steps:
  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha], shows: ["quotes[1]", "quotes[0]", rules]}
per_audience:
  civilian:
    key_points: [Phones near the shelter emit.]
""",
)


def load(root: Path):
    project, problems = load_project(root)
    assert [p.message for p in problems] == [FEW_ITEMS]
    return project.curriculum.modules["alpha"]


def test_a_step_shows_the_same_parts_after_other_audiences_parts_are_left_out(make_project):
    module = load(make_project({"content/modules/alpha.yaml": TWO_QUOTES}))
    soldier = module.for_audience("soldier")
    assert [q.text for q in soldier.quotes] == ["every time you press a button"]
    assert soldier.steps[0].shows == ["quotes[0]", "rules"]  # quotes[1] moved up; the civilian quote is gone
    civilian = module.for_audience("civilian")
    assert civilian.steps[0].shows == ["quotes[1]", "quotes[0]", "rules"]
    assert civilian.key_points == ["Phones near the shelter emit."]
    assert soldier.key_points == ["Phones emit."]


def test_a_step_that_shows_a_part_the_module_lacks_is_an_error_at_its_line(make_project, run):
    text = TWO_QUOTES.replace('"quotes[0]", rules]', '"quotes[2]", rules]')
    root = make_project({"content/modules/alpha.yaml": text})
    result = run("check", "--project", root)
    line = line_of(text, "shows: [")
    assert result.exit_code == 1
    assert (
        f"alpha.yaml:{line}: steps[0].shows[1]: 'quotes[2]' is not a part of this module; it has quotes[0] to quotes[1]"
    ) in result.output


def test_a_text_that_is_only_a_citation_key_builds(make_project, run):
    """Citation keys are left out of what readers see, but a field that holds nothing else keeps its text."""
    text = MODULE.replace("explanation: They do (src).", "explanation: (src)")
    root = make_project({"content/modules/alpha.yaml": text})
    result = run("build", "--project", root, "--only", "quiz-html")
    assert result.exit_code == 0, result.output
