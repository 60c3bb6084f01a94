"""Item statistics against values worked out by hand on a fixed data set of five learners and three items.

Items: I1 true/false (key true), I2 single choice a/b (key a), I3 single choice a/b/c (key c).

    learner  I1     I2  I3  number right
    L1       true   a   c   3
    L2       true   a   b   2
    L3       true   b   c   2
    L4       false  a   b   1
    L5       false  b   b   0

By hand: difficulty 3/5, 3/5, 2/5. Totals 3 2 2 1 0: mean 1.6, population variance 5.2/5 = 1.04;
sum of p q = 0.24 * 3 = 0.72; KR-20 = 3/2 * (1 - 0.72/1.04) = 0.461538.
Point-biserial with the rest of the test (total less the item):
  I1: x 1 1 1 0 0, rest 2 1 1 1 0: sxy 1.0, sxx 1.2, syy 2.0 -> 1/sqrt(2.4) = 0.645497
  I2: x 1 1 0 1 0, rest 2 1 2 0 0: sxy 0 -> 0
  I3: x 1 0 1 0 0, rest 2 2 1 1 0: sxy 0.6, sxx 1.2, syy 2.8 -> 0.6/sqrt(3.36) = 0.327327
I3's distractor a was chosen by nobody, so I3 is listed first. The pass mark 80 % of 3 points
needs all three right: one learner in five passed and met the objective.
"""

from __future__ import annotations

import pytest

from conftest import BASE
from emcon.grade.analysis import Response, analyse, item_key, kr20, pearson
from emcon.model import SingleChoice
from emcon.project import load_project
from emcon.quiz import Form, FormQuestion


@pytest.fixture(scope="module")
def form() -> Form:
    project, _ = load_project(BASE)
    module = project.curriculum.modules["alpha"]
    i1, i2 = module.quiz
    i3 = SingleChoice.model_validate(
        {
            "id": "a-3",
            "type": "single",
            "objective": "explain-alpha",
            "prompt": "Pick.",
            "choices": ["x", "y", "z"],
            "answer": "c",
            "source": "src",
        }
    )
    return Form(
        "A",
        (
            FormQuestion(1, i1, module, answer=("true",)),
            FormQuestion(2, i2, module, choices=tuple(c.text for c in i2.choices), answer=("a",)),
            FormQuestion(3, i3, module, choices=("x", "y", "z"), answer=("c",)),
        ),
    )


def sheets(form: Form) -> list[dict[str, Response]]:
    keys = [item_key(q.module, q.item) for q in form.questions]
    table = [("true", "a", "c"), ("true", "a", "b"), ("true", "b", "c"), ("false", "a", "b"), ("false", "b", "b")]
    right = ("true", "a", "c")
    return [
        {k: Response(v == r, int(v == r), frozenset([v])) for k, v, r in zip(keys, row, right, strict=True)}
        for row in table
    ]


def test_statistics_match_the_hand_computed_values(form):
    a = analyse([form], sheets(form), pass_mark=80, total_points=3)
    by_id = {s.item.id: s for s in a.items}
    assert a.learners == 5
    assert a.mean == pytest.approx(1.6)
    assert a.kr20 == pytest.approx(0.461538, abs=1e-6)
    assert [by_id[i].difficulty for i in ("a-1", "a-2", "a-3")] == pytest.approx([0.6, 0.6, 0.4])
    assert by_id["a-1"].discrimination == pytest.approx(0.645497, abs=1e-6)
    assert by_id["a-2"].discrimination == pytest.approx(0.0, abs=1e-12)
    assert by_id["a-3"].discrimination == pytest.approx(0.327327, abs=1e-6)
    assert by_id["a-3"].chosen == pytest.approx({"a": 0.0, "b": 0.6, "c": 0.4})
    assert by_id["a-1"].chosen == pytest.approx({"true": 0.6, "false": 0.4})
    assert [s.item.id for s in a.items] == ["a-3", "a-1", "a-2"]  # the misbehaving item first
    assert by_id["a-3"].flags == [("unused", {"options": "a"})]
    assert by_id["a-1"].flags == [] and by_id["a-2"].flags == []
    assert [(o.objective, o.items, o.met) for o in a.objectives] == [("explain-alpha", 3, pytest.approx(0.2))]
    assert a.pass_rate == pytest.approx(0.2)


def test_a_key_the_best_learners_disagree_with_and_negative_discrimination(form):
    # Everybody strong answers I2 with b (keyed a); only the weakest chose a.
    keys = [item_key(q.module, q.item) for q in form.questions]
    rows = [("true", "b", "c"), ("true", "b", "c"), ("true", "b", "b"), ("false", "a", "b")]
    data = [
        {
            k: Response(v == r, int(v == r), frozenset([v]))
            for k, v, r in zip(keys, row, ("true", "a", "c"), strict=True)
        }
        for row in rows
    ]
    a = analyse([form], data, pass_mark=50, total_points=3)
    item = next(s for s in a.items if s.item.id == "a-2")
    assert item.discrimination == pytest.approx(-0.870388, abs=1e-6)
    assert [code for code, _ in item.flags] == ["negative", "key"]
    assert item.flags[1][1] == {"option": "b", "share": "100%"}


def test_no_figure_from_too_little_data():
    assert pearson([1.0], [2.0]) is None
    assert pearson([1.0, 1.0], [0.0, 1.0]) is None  # an item everybody got right tells nothing
    assert kr20([[1.0, 1.0]]) is None  # one item
    assert kr20([[1.0, 1.0], [0.0, 0.0]]) is None  # no variance
