"""Every error Allied raises on purpose, under one root (documented in ``docs/api.md``).

* :class:`AlliedError` — the root: catch it to catch anything Allied reports as the caller's to fix.
* :class:`ScenarioError` — bad input: one or more located :class:`Problem` (file, line, field, fix).
* :class:`ModelError` — a model or engine cannot run on these inputs or options.
* :class:`SweepError` — a sweep or sensitivity run cannot run as asked (arguments, run folder, scheduler).
* :class:`ReportError` — a report or figure cannot be built as asked.
* :class:`Cancelled` — whoever asked stopped waiting, so the work was abandoned part-way.

Anything else that escapes is a bug; the CLI says so and exits 1.
"""

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
    #: what kind of problem (e.g. "not_a_number", "not_finite", "out_of_range", "too_big", "evidence"): the
    #: kind, never the message text, decides the fix a front end suggests; "" when not classified
    kind: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message} — fix: {self.fix}"


class AlliedError(Exception):
    """Root of every error Allied raises on purpose (bad input or options, never a bug)."""


class ScenarioError(AlliedError, ValueError):
    """One or more problems with an input; the CLI prints each and exits 2."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid input")


def invalid(kind: str, message: str) -> Exception:
    """An error for a pydantic validator that carries its kind (the error's ``type``), so the fix shown to the
    user is chosen by kind (see ``allied.scenario.validate``), never by matching words in the message."""
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, message)


def fail(file: str, field: str, message: str, fix: str, line: int | None = None, kind: str = "") -> ScenarioError:
    """Shorthand for a single-problem :class:`ScenarioError` (``raise fail(...)``)."""
    return ScenarioError([Problem(file, field, message, fix, line, kind)])


class ModelError(AlliedError, ValueError):
    """A model or engine cannot run on these inputs or options; the message says why and what to change."""


class SweepError(AlliedError, ValueError):
    """A sweep cannot run as asked (bad argument, unusable run folder, unreachable scheduler)."""


class ReportError(AlliedError, ValueError):
    """A report or figure cannot be built as asked (an engine it needs failed, an unknown figure)."""


class JournalError(AlliedError, ValueError):
    """The forecast journal cannot be used as asked (unusable file, unknown record, nothing to score)."""


class Cancelled(AlliedError):
    """The caller stopped waiting (a web page closed before its forecast finished): the work was abandoned."""
