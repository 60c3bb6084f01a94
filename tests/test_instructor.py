"""The instructor guide: lesson plan with objectives, a timetable that adds up, notes, blueprint and keys."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import FEW_ITEMS, MODULE, PACK, REPO, flat, line_of
from emcon.model import pack_timing
from emcon.project import load_project
from emcon.quiz import draw_forms
from emcon.render.instructor import blueprint, clock, timetable

PACK_ID = "soldier-basic"


@pytest.fixture(scope="module")
def default_pack():
    project, _ = load_project(REPO)
    pack = project.curriculum.packs[PACK_ID]
    return pack, project.curriculum.pack_modules(pack)


@pytest.fixture(scope="module")
def guide(default_build) -> PdfReader:
    return PdfReader(default_build / PACK_ID / "instructor.pdf")


@pytest.fixture(scope="module")
def guide_text(guide) -> str:
    return flat(" ".join(page.extract_text() for page in guide.pages))


def test_every_objective_is_in_the_guide_as_action_condition_standard(guide_text, default_pack):
    pack, modules = default_pack
    objectives = [pack.terminal_objective] + [o for m in modules for o in m.objectives]
    for objective in objectives:
        for part in (objective.action, objective.condition, objective.standard):
            assert flat(part) in guide_text


def test_every_discussion_question_with_its_good_answer(guide_text, default_pack):
    _, modules = default_pack
    questions = [d for m in modules for d in m.discussion]
    assert len(questions) >= 10
    for d in questions:
        assert flat(d.question) in guide_text
        assert flat(d.good_answer) in guide_text


def test_timetable_ends_on_the_pack_total(guide, default_pack):
    pack, modules = default_pack
    slots = timetable(pack, modules)
    assert sum(s.minutes for s in slots) == pack.minutes == 60
    assert (slots[-1].part, slots[-1].title, slots[-1].minutes) == ("quiz", "Written quiz", pack.quiz.minutes)
    text = flat(
        " ".join(
            p.extract_text() for p in guide.pages if "Timetable" in p.extract_text() or "Total" in p.extract_text()
        )
    )
    assert "01:00 Total 60" in text
    assert "00:45 Written quiz (form A, B; pass mark 80%) Check on learning 15 All" in text
    clocks = re.findall(r"\b(\d\d:\d\d) ", text[text.index("Timetable") : text.index("01:00 Total")])
    assert clocks == [s.clock for s in slots]  # every step, in order, with its running clock


def test_administrative_data_and_markings_on_every_page(guide, default_pack):
    pack, modules = default_pack
    first = flat(guide.pages[0].extract_text())
    for fact in (
        "Pack soldier-basic · version 1.0 (2026-11-22)",
        "Total time {} min (Opening {opening} + Modules {modules} + Closing {closing} + Written quiz {quiz})".format(
            pack.minutes, **pack_timing(pack, modules)
        ),
        "Risk assessment level Low",
        f"Instructor-to-student ratio {pack.admin.ratio}",
        "Safety considerations",
        "Environmental considerations",
        "Classroom and AV needs",
        "Pass mark: 80% (20/24 pt)",  # 24 one-point items: two for each of the 12 objectives
        pack.distribution,
        "Materials",
        "Prerequisites",
        "References",
    ):
        assert fact in first
    for number, page in enumerate(guide.pages, 1):
        text = page.extract_text()
        assert text.count(pack.classification) >= 2, number  # banner top and bottom
        assert f"Page {number} of {len(guide.pages)}" in text


def test_blueprint_and_keys_follow_the_drawn_forms(guide, default_pack):
    pack, modules = default_pack
    forms = draw_forms(pack, modules)
    rows = blueprint(modules, forms)
    assert len(rows) == sum(len(m.objectives) for m in modules)
    drawn = {(q.module.id, q.item.id): q.number for q in forms[0].questions}
    for row in rows:  # the form A column lists exactly the questions that test the objective
        assert row.questions["A"] == tuple(
            sorted(n for (m, i), n in drawn.items() if m == row.module.id and i in row.items)
        )
    pages = [flat(p.extract_text()) for p in guide.pages]
    blueprint_page = next(
        p for p in pages if p.startswith("Assessment blueprint") or " Assessment blueprint Which" in p
    )
    undrawn = [r for r in rows if r.undrawn]
    notice = "Objectives that have quiz items, but none on the forms"
    if undrawn:  # the guide must say which objectives the forms leave out
        assert f"{notice}: " + ", ".join(f"{r.number} ({r.objective.id})" for r in undrawn) in blueprint_page
    else:
        assert notice not in blueprint_page
    keys = next(p for p in pages if "Appendix: Answer keys" in p and "Form B" in p)
    for form in forms:
        single = [q for q in form.questions if q.type == "single"]
        assert f"Form {form.letter}" in keys
        for q in single:
            assert re.search(rf"\b{q.number} {q.answer[0]} \d\.\d", keys), (form.letter, q.number)


def test_untested_objective_is_flagged(make_project, run, tmp_path):
    module = MODULE.replace(
        "    bloom: understand\n",
        "    bloom: understand\n  - id: spare\n    action: Name a spare\n    condition: Given time\n"
        "    standard: Names one\n    bloom: remember\n",
        1,
    ).replace("objectives: [explain-alpha]}", "objectives: [explain-alpha, spare]}")
    root = make_project({"content/modules/alpha.yaml": module})
    out = tmp_path / "out"
    result = run("build", "--project", root, "--out", out, "--only", "instructor-pdf")
    assert result.exit_code == 0, result.output
    text = flat(" ".join(p.extract_text() for p in PdfReader(out / "basic/instructor.pdf").pages))
    assert "Objectives that no quiz item tests: 1.2 (spare)" in text
    assert "1.2 Name a spare Remember NOT TESTED — —" in text


def test_timetable_runs_the_clock_through_opening_modules_and_closing(make_project):
    pack = PACK.replace("minutes: 6\n", "minutes: 71\n") + (
        "opening:\n  - {title: Welcome, method: lecture, minutes: 2}\n"
        "closing:\n  - {title: Quiz, method: check, minutes: 63}\n"
    )
    project, problems = load_project(make_project({"content/packs/basic.yaml": pack}))
    assert [p.message for p in problems] == [FEW_ITEMS], [str(p) for p in problems]  # the minimal module's 2 items
    cur = project.curriculum
    slots = timetable(cur.packs["basic"], cur.pack_modules(cur.packs["basic"]))
    assert [(s.clock, s.title, s.method, s.minutes) for s in slots] == [
        ("00:00", "Welcome", "lecture", 2),
        ("00:02", "Talk", "lecture", 5),
        ("00:07", "Quiz", "check", 63),
        ("01:10", "Written quiz", "check", 1),
    ]
    assert clock(70) == "01:10"


def test_a_module_without_steps_is_one_block_of_its_minutes(make_project):
    module = MODULE.replace("steps:\n  - {title: Talk, method: lecture, minutes: 5, objectives: [explain-alpha]}\n", "")
    project, _ = load_project(make_project({"content/modules/alpha.yaml": module}))
    cur = project.curriculum
    slot, quiz = timetable(cur.packs["basic"], cur.pack_modules(cur.packs["basic"]))
    assert (quiz.start, quiz.part, quiz.minutes) == (5, "quiz", 1)
    assert (slot.start, slot.title, slot.method, slot.minutes, slot.objectives) == (
        0,
        "Alpha lesson",
        None,
        5,
        ("explain-alpha",),
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "content/packs/basic.yaml",
            "quiz:",
            "opening:\n  - {title: Hello, method: lecture, minutes: 3}\nquiz:",
            "basic.yaml:{minutes}: minutes: 6, but opening 3 + modules 5 + quiz 1 add up to 9",
        ),
        (
            "content/modules/alpha.yaml",
            "objectives: [explain-alpha]}",
            "objectives: []}",
            "alpha.yaml:{objective}: objective 'explain-alpha' is taught by no step",
        ),
    ],
)
def test_check_reports_timings_that_do_not_add_up_and_untaught_objectives(make_project, run, file, old, new, expected):
    text = {"content/packs/basic.yaml": PACK, "content/modules/alpha.yaml": MODULE}[file]
    root = make_project({file: text.replace(old, new, 1)})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    expected = expected.format(minutes=line_of(PACK, "minutes:"), objective=line_of(MODULE, "  - id: explain-alpha"))
    assert any(line.endswith(expected) for line in result.output.splitlines()), result.output
