"""Quiz handouts (one PDF per form), the answer key, and the offline self-check page."""

from __future__ import annotations

from markupsafe import Markup

from ..outputs import Output
from ..quiz import Form, points_to_pass, self_check_questions
from ..theme import read_text
from .context import PackContext


def render(ctx: PackContext) -> list[Output]:
    """Return a handout per form, the key, and the self-check page."""
    if not any(m.quiz for m in ctx.modules):
        return []
    forms = ctx.forms
    titles = source_titles(ctx)
    outputs = [
        Output(
            "quiz-pdf",
            f"quiz-{form.letter}.pdf",
            pdf=ctx.pdf_job("quiz.html", form=form, to_pass=points_to_pass),
            form=form.letter,
        )
        for form in forms
    ]
    key = ctx.pdf_job(
        "key.html", forms=forms, question_map=question_map(forms), source_titles=titles, to_pass=points_to_pass
    )
    outputs.append(Output("key-pdf", "key.pdf", pdf=key))
    outputs.append(Output("quiz-html", "quiz.html", data=self_check_page(ctx, titles).encode()))
    return outputs


def source_titles(ctx: PackContext) -> dict[str, str]:
    """Return the title of every source, by id."""
    return {ident: source.title for ident, source in ctx.curriculum.sources.items()}


def question_map(forms: list[Form]) -> list[dict]:
    """Return one row per drawn item: the item, its module, and its number on each form."""
    numbers = {id(q.item): [] for q in forms[0].questions}
    for form in forms:
        for q in form.questions:
            numbers[id(q.item)].append(q.number)
    rows = [{"item": q.item, "module": q.module, "numbers": numbers[id(q.item)]} for q in forms[0].questions]
    return sorted(rows, key=lambda row: row["numbers"][0])


def self_check_page(ctx: PackContext, titles: dict[str, str]) -> str:
    """Return the self-check page as one HTML file, its stylesheet and script inside."""
    script = Markup(read_text(ctx.theme.find("js/selfcheck.js")))
    questions = self_check_questions(ctx.pack, ctx.modules)
    return ctx.html("quiz-page.html", ctx.links("inline"), questions=questions, source_titles=titles, script=script)
