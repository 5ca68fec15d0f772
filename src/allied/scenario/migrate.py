"""Versions of the scenario format and the migrations between them.

A scenario file starts with ``allied: N``, the format version it was written for. :data:`CURRENT` is the
version this Allied writes; every older version has a step in :data:`STEPS` that turns its plain data into
the next version's. Loading migrates in memory (the file is untouched); ``allied migrate FILE`` writes the
upgraded file. A file from a *newer* Allied is refused with a message saying so, never half-read.

Version history:

* **1** — the first format (DESIGN §4). Fields added since (``reservation``, ``demand``, ``delegation:``,
  source ``path``/``sha256``, actor ``aliases``, issue ``keywords``, ``drafts:``, …) are optional, so every
  version-1 file stays valid and no migration step exists yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allied.errors import Problem, ScenarioError

CURRENT = 1

#: ``STEPS[n]`` turns version-``n`` data into version ``n + 1`` data (pure: returns a new dict)
STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def version_of(data: dict[str, Any], file: str) -> int:
    v = data.get("allied")
    if isinstance(v, bool) or not isinstance(v, int):
        raise ScenarioError([Problem(file, "allied", f"the format version must be a whole number (got {v!r})",
                                     f"write 'allied: {CURRENT}' as the first line", 1)])
    if v > CURRENT:
        raise ScenarioError([Problem(file, "allied", f"written for format version {v}, newer than this Allied "
                                     f"reads ({CURRENT})", "upgrade Allied (pip install -U allied)", 1)])
    if v < 1 or any(n not in STEPS for n in range(v, CURRENT)):
        raise ScenarioError([Problem(file, "allied", f"format version {v} is not one Allied ever wrote",
                                     f"write 'allied: {CURRENT}' (see docs/scenario-format.md)", 1)])
    return v


def migrate(data: dict[str, Any], file: str) -> tuple[dict[str, Any], list[int]]:
    """``data`` upgraded to :data:`CURRENT`, and the versions it passed through (empty when current)."""
    v = version_of(data, file)
    passed: list[int] = []
    while v < CURRENT:
        data = {**STEPS[v](dict(data)), "allied": v + 1}
        passed.append(v)
        v += 1
    return data, passed
