"""The quiz balance checks: answer letters, true/false, and two items per objective on every form."""

from __future__ import annotations

from conftest import MODULE, PACK, line_of

HEAD = MODULE[: MODULE.index("quiz:")]


def single(n: int, answer: str, objective: str = "explain-alpha") -> str:
    return (
        f"  - {{id: s-{n}, type: single, objective: {objective}, prompt: Pick {n}., "
        f"choices: [One, Two, Three], answer: {answer}, explanation: Why (src)., source: src}}\n"
    )


def true_false(n: int, answer: bool) -> str:
    return (
        f"  - {{id: t-{n}, type: true-false, objective: explain-alpha, prompt: Claim {n}., "
        f"answer: {str(answer).lower()}, explanation: Why (src)., source: src}}\n"
    )


def module_with(*items: str) -> str:
    return HEAD + "quiz:\n" + "".join(items)


def pack_with(questions: int) -> str:
    return PACK.replace("questions: 2", f"questions: {questions}")


def check(make_project, run, module: str, pack: str, *flags: str):
    root = make_project({"content/modules/alpha.yaml": module, "content/packs/basic.yaml": pack})
    result = run("check", "--project", root, *flags)
    return root, result


def test_answers_on_one_letter_are_reported_at_the_pack_quiz_line(make_project, run):
    pack = pack_with(4)
    root, result = check(make_project, run, module_with(*(single(n, "a") for n in range(4))), pack)
    where = f"{(root / 'content/packs/basic.yaml').as_posix()}:{line_of(pack, 'quiz:')}"
    assert result.exit_code == 0, result.output
    assert (
        f"{where}: warning: quiz: the right answers of this pack's 4 single-choice items are a 4, b 0, c 0; "
        "spread them evenly over the letters (at most 1 apart) by reordering choices"
    ) in result.output


def test_answers_spread_over_the_letters_pass(make_project, run):
    items = [single(0, "a"), single(1, "b"), single(2, "c"), single(3, "a")]
    _, result = check(make_project, run, module_with(*items), pack_with(4))
    assert "single-choice" not in result.output, result.output


def test_true_false_all_one_way_is_reported_for_the_items_and_the_forms(make_project, run):
    items = [true_false(n, False) for n in range(3)]
    _, result = check(make_project, run, module_with(*items), pack_with(3))
    assert (
        "warning: quiz: 0 of the 3 true/false items in this pack's items are true and 3 false; "
        "make them true about as often as false (at most 1 apart)"
    ) in result.output
    assert "warning: quiz: 0 of the 3 true/false items in its printed forms are true and 3 false" in result.output


def test_true_false_both_ways_pass(make_project, run):
    items = [true_false(0, False), true_false(1, True), true_false(2, False)]
    _, result = check(make_project, run, module_with(*items), pack_with(3))
    assert "true/false" not in result.output, result.output


def test_an_objective_tested_once_on_the_forms_asks_for_more_questions(make_project, run):
    items = [single(0, "a"), single(1, "b")]
    pack = pack_with(1)
    root, result = check(make_project, run, module_with(*items), pack)
    where = f"{(root / 'content/packs/basic.yaml').as_posix()}:{line_of(pack, 'quiz:')}"
    assert (
        f"{where}: warning: quiz: its forms test objective 'explain-alpha' of module 'alpha' with 1 item(s); "
        "at least 2 should test each objective: raise questions to 2"
    ) in result.output


def test_an_objective_with_one_item_for_the_audience_asks_for_items(make_project, run):
    items = [single(0, "a"), single(1, "b").replace("source: src}", "source: src, audiences: [civilian]}")]
    _, result = check(make_project, run, module_with(*items), pack_with(2))
    assert (
        "warning: quiz: its forms test objective 'explain-alpha' of module 'alpha' with 1 item(s); "
        "at least 2 should test each objective: module 'alpha' has 1 item(s) for it that soldier packs show; add items"
    ) in result.output


def test_strict_fails_on_a_balance_warning(make_project, run):
    _, result = check(make_project, run, module_with(*(single(n, "a") for n in range(4))), pack_with(4), "--strict")
    assert result.exit_code == 1
    assert "warning: quiz: the right answers of this pack's 4 single-choice items are a 4, b 0, c 0" in result.output
    assert "warning: quiz: 4 items; a module needs at least 6" in result.output
    assert result.output.strip().endswith("0 errors, 2 warnings (--strict: a warning fails the check)"), result.output
