"""Item analysis of a graded quiz: how hard each item was, whether it told strong from weak learners.

Across forms an item is the same quiz item (module and item id), and a choice
is the authored choice (a, b, c as the module writes them), whatever letter
a form printed it under.

- difficulty: the share of learners who got the item right;
- discrimination: the point-biserial correlation of the item (right = 1) with
  the rest of the test (the number of other items right), so that an item does
  not correlate with itself;
- distractors: the share of learners who marked each choice;
- objectives: the share of learners who earned at least the pass mark's share
  of the points of the items testing the objective;
- reliability: KR-20 over the items, k/(k-1) (1 - sum p q / variance of the
  number right), with the population variance.

An item misbehaves when its discrimination is negative, when a distractor was
chosen by nobody, or when most of the upper group (the best 27 %, at least
one learner) chose the same wrong answer: the key may be wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import ChoiceItem, Module, TrueFalse, letters
from ..quiz import Form, FormQuestion


@dataclass
class Response:
    """One learner's answer to one item."""

    right: bool
    points: int
    chosen: frozenset[str] = frozenset()  # authored choice letters ("true"/"false" for true-false)


@dataclass
class ItemStats:
    key: str  # module-id/item-id
    item: object
    module: Module
    options: list[str]  # authored letters, or true/false; empty for other types
    correct: list[str]
    answered: int
    difficulty: float
    discrimination: float | None
    chosen: dict[str, float]  # option -> share of learners who marked it
    upper_choice: tuple[str, float] | None  # the upper group's most chosen wrong option and its share
    flags: list[tuple[str, dict]] = field(default_factory=list)  # (what is wrong, its figures) for the strings


@dataclass
class ObjectiveStats:
    module: Module
    objective: str
    items: int
    met: float


@dataclass
class Analysis:
    learners: int
    items: list[ItemStats]  # misbehaving first, then in teaching order
    objectives: list[ObjectiveStats]
    kr20: float | None
    mean: float  # mean number right
    pass_rate: float


def authored(q: FormQuestion, values: tuple[str, ...]) -> frozenset[str]:
    """Return the authored choices behind what a form's row says (form letters differ across forms)."""
    if isinstance(q.item, ChoiceItem):
        by_letter = dict(zip(letters(len(q.choices)), _authored_order(q), strict=True))
        return frozenset(by_letter[v] for v in values if v in by_letter)
    if isinstance(q.item, TrueFalse):
        return frozenset(v for v in values if v in ("true", "false"))
    return frozenset()


def _authored_order(q: FormQuestion) -> list[str]:
    """Return the authored letter of each choice in the form's order."""
    texts = [c.text for c in q.item.choices]
    taken: set[int] = set()
    order = []
    for text in q.choices:
        j = next(j for j, t in enumerate(texts) if t == text and j not in taken)
        taken.add(j)
        order.append(letters(len(texts))[j])
    return order


def item_key(module: Module, item) -> str:
    return f"{module.id}/{item.id}"


def analyse(forms: list[Form], sheets: list[dict[str, Response]], pass_mark: int, total_points: int) -> Analysis:
    """Return the item analysis of the sheets (each: item key -> response)."""
    items = {item_key(q.module, q.item): q for q in forms[0].questions}
    order = sorted(items, key=lambda k: items[k].number)
    n = len(sheets)
    right = {k: [1.0 if s.get(k) and s[k].right else 0.0 for s in sheets] for k in order}
    totals = [sum(right[k][i] for k in order) for i in range(n)]
    upper = _upper_group(totals)
    stats = []
    for k in order:
        q = items[k]
        options, correct = _options(q.item)
        scores = right[k]
        rest = [t - s for t, s in zip(totals, scores, strict=True)]
        chosen = {o: _share(sum(1 for s in sheets if s.get(k) and o in s[k].chosen), n) for o in options}
        wrong = [o for o in options if o not in correct]
        upper_choice = None
        if wrong and upper:
            counts = {o: sum(1 for i in upper if sheets[i].get(k) and o in sheets[i][k].chosen) for o in wrong}
            best = max(wrong, key=lambda o: counts[o])
            upper_choice = (best, counts[best] / len(upper))
        item = ItemStats(
            k,
            q.item,
            q.module,
            options,
            correct,
            sum(1 for s in sheets if k in s),
            _share(sum(scores), n),
            pearson(scores, rest),
            chosen,
            upper_choice,
        )
        item.flags = _flags(item, n)
        stats.append(item)
    stats.sort(key=lambda s: (0 if s.flags else 1, items[s.key].number))
    return Analysis(
        n,
        stats,
        _objectives(forms[0], sheets, pass_mark),
        kr20([right[k] for k in order]),
        sum(totals) / n if n else 0.0,
        _share(sum(1 for s in sheets if _points(s) * 100 >= pass_mark * total_points), n),
    )


def _points(sheet: dict[str, Response]) -> int:
    return sum(r.points for r in sheet.values())


def _share(count: float, n: int) -> float:
    return count / n if n else 0.0


def _options(item) -> tuple[list[str], list[str]]:
    if isinstance(item, ChoiceItem):
        return letters(len(item.choices)), list(item.correct)
    if isinstance(item, TrueFalse):
        return ["true", "false"], ["true" if item.answer else "false"]
    return [], []


def _upper_group(totals: list[float]) -> list[int]:
    """Return the indexes of the best 27 % of learners (at least one), best first."""
    if not totals:
        return []
    size = max(1, round(0.27 * len(totals)))
    return sorted(range(len(totals)), key=lambda i: -totals[i])[:size]


def _flags(item: ItemStats, n: int) -> list[tuple[str, dict]]:
    flags = []
    if item.discrimination is not None and item.discrimination < 0:
        flags.append(("negative", {"value": f"{item.discrimination:.2f}"}))
    if n and item.options:
        unused = [o for o in item.options if o not in item.correct and item.chosen[o] == 0]
        if unused and item.item.type in ("single", "multiple"):
            flags.append(("unused", {"options": ", ".join(unused)}))
    if item.upper_choice and item.upper_choice[1] > 0.5:
        option, share = item.upper_choice
        flags.append(("key", {"option": option, "share": f"{share:.0%}"}))
    return flags


def _objectives(form: Form, sheets: list[dict[str, Response]], pass_mark: int) -> list[ObjectiveStats]:
    groups: dict[tuple[str, str], list[FormQuestion]] = {}
    modules = {}
    for q in sorted(form.questions, key=lambda q: q.number):
        groups.setdefault((q.module.id, q.item.objective), []).append(q)
        modules[q.module.id] = q.module
    found = []
    for (module_id, objective), questions in groups.items():
        points = sum(q.points for q in questions)
        keys = [item_key(q.module, q.item) for q in questions]
        met = sum(1 for s in sheets if sum(s[k].points for k in keys if k in s) * 100 >= pass_mark * points)
        found.append(ObjectiveStats(modules[module_id], objective, len(questions), _share(met, len(sheets))))
    return found


def pearson(x: list[float], y: list[float]) -> float | None:
    """Return the correlation of x and y (None when either does not vary)."""
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def kr20(items: list[list[float]]) -> float | None:
    """Return KR-20 of right/wrong item scores (one list per item, one value per learner)."""
    k = len(items)
    if k < 2 or not items[0]:
        return None
    n = len(items[0])
    totals = [sum(item[i] for item in items) for i in range(n)]
    mean = sum(totals) / n
    variance = sum((t - mean) ** 2 for t in totals) / n
    if variance == 0:
        return None
    pq = sum((sum(item) / n) * (1 - sum(item) / n) for item in items)
    return k / (k - 1) * (1 - pq / variance)
