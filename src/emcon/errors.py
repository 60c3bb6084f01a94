"""User-facing problems and the exception that reports them without a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

# Control characters, line breaks and bidi overrides: echoed raw, they could move the cursor,
# recolour the terminal or forge a line of output. Tab is kept.
UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Return text with every control character written as an escape (ESC as \\x1b), safe to print."""
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, pinned to a file and line."""

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning" (an error under --strict), or "note" (never an error)

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "  # warning: or note:
        return printable(f"{self.path}:{self.line}: {prefix}{self.message}")


def errors_in(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """Return the problems that stop a build (warnings too, when strict; notes never do)."""
    return [p for p in problems if p.severity == "error" or (strict and p.severity == "warning")]


class ContentError(click.ClickException):
    """Bad content: print every problem as path:line: message, exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem], strict: bool = False):
        self.problems = sorted(set(problems))
        self.strict = strict  # warnings failed the run: the summary says why "0 errors" is a failure
        super().__init__(summarize(self.problems))

    def show(self, file=None) -> None:
        report = problem_report(self.problems)
        if self.strict and not any(p.severity == "error" for p in self.problems):
            report += " (--strict: a warning fails the check)"
        click.echo(report, err=True)


class BuildError(click.ClickException):
    """A build step failed for a reason the user can act on (exit 1)."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {printable(self.message)}", err=True)


class NoCurriculum(BuildError):
    """The folder named as the project holds no content/: say which folder, and how to start one."""

    def __init__(self, root: Path):
        super().__init__(
            f"no content/ folder in {root}, so it holds no curriculum: start one with `emcon init DIR`, "
            "or pass --project DIR naming the folder that holds content/"
        )


def problem_lines(problems: list[Problem]) -> list[str]:
    """Return each problem once, as path:line: message, sorted by file and line."""
    return [str(p) for p in sorted(set(problems))]


def problem_report(problems: list[Problem]) -> str:
    """Return the problems, one a line, then the summary line."""
    return "\n".join([*problem_lines(problems), summarize(problems)])


def summarize(problems: list[Problem]) -> str:
    """Return the closing line: how many errors and warnings (and notes, if any)."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    notes = len(problems) - errors - warnings
    return f"{count(errors, 'error')}, {count(warnings, 'warning')}" + (f", {count(notes, 'note')}" if notes else "")


def count(n: int, noun: str) -> str:
    """Return "1 error", "2 errors": n and the noun, plural unless n is 1."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
