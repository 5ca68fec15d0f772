"""Where a value sits in plain scenario data: its key path (``Loc``), the dotted name a problem shows for it
(``stances[3].position``), and the check that a top-level list is not longer than Allied reads.

Kept apart from :mod:`allied.scenario.yamlio` so that validating data read from a table (a KTAB or exchange
CSV) does not import the YAML library (≈ 10 ms of every such command's start-up; tests/test_startup.py).
"""

from __future__ import annotations

from allied.errors import Problem

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    """``stances[3].position`` for ``("stances", 3, "position")``; ``""`` for the top."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def oversize(counts: dict[str, tuple[int, int | None]], max_items: dict[str, int], file: str) -> list[Problem]:
    """Problems for lists longer than allowed; ``counts`` maps a top-level key to (length, line)."""
    return [Problem(file, key, f"{n:,} {key} is more than Allied reads (at most {max_items[key]:,})",
                    f"split the scenario, or keep the {key} that matter for the question", line, kind="too_many")
            for key, (n, line) in counts.items() if key in max_items and n > max_items[key]]
