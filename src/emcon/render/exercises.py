"""The learners' handout for the practical exercises: scenario, task, material, a place to write.

The rubric and the expected answer are the instructor's: they stand in the guide only.
"""

from __future__ import annotations

from ..outputs import Output
from .context import PackContext


def render(ctx: PackContext) -> list[Output]:
    """Return the exercise handout PDF, or nothing when the pack's modules hold no exercise."""
    exercises = [(number, m, e) for number, m in enumerate(ctx.modules, 1) for e in m.exercises]
    if not exercises:
        return []
    return [Output("exercise-pdf", "exercises.pdf", pdf=ctx.pdf_job("exercises.html", exercises=exercises))]
