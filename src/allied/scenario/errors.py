"""Located input errors: every problem names the file, the line, the field path and the fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    field: str  # dotted path, e.g. "stances[3].position" or "row 4, column salience"
    message: str  # what is wrong
    fix: str  # how to fix it
    line: int | None = None  # 1-based line in the file, when known

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message} — fix: {self.fix}"


class ScenarioError(ValueError):
    """One or more problems with an input; the CLI prints each and exits 2."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid input")


def fail(file: str, field: str, message: str, fix: str, line: int | None = None) -> ScenarioError:
    """Shorthand for a single-problem :class:`ScenarioError` (``raise fail(...)``)."""
    return ScenarioError([Problem(file, field, message, fix, line)])
