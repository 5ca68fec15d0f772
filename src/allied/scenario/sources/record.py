"""Write verified sources' ``sha256`` into a YAML scenario file, editing only those lines (comments and
layout stay as the analyst wrote them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from allied.errors import fail

Loc = tuple[str | int, ...]


def record_hashes(file: Path, res: Any, lines: dict[Loc, int]) -> list[str]:
    """Record the sha256 of every source whose file was read and whose quotes all verified; return their ids."""
    text = file.read_text("utf-8")
    rows = text.splitlines(keepends=True)
    edits: list[tuple[int, str, bool]] = []  # (0-based line, new text, replace?)
    done = []
    for s in res.sources.values():
        if s.text is None or s.recorded == s.text.sha256:
            continue
        if any(q.status != "verified" for q in res.quotes if q.source == s.id):
            continue
        if ("sources", s.index, "sha256") in lines:
            i = lines[("sources", s.index, "sha256")] - 1
            new, n = re.subn(r"(sha256:\s*)['\"]?[0-9A-Fa-f]*['\"]?", rf"\g<1>{s.text.sha256}", rows[i], count=1)
            if not n:
                raise _by_hand(file, s, i + 1)
            edits.append((i, new, True))
        else:
            i = lines.get(("sources", s.index, "path"), 0) - 1
            m = re.match(r"^(\s*)(- )?path:", rows[i]) if i >= 0 else None
            if m is None:
                raise _by_hand(file, s, i + 1 if i >= 0 else None)
            indent = m.group(1) + ("  " if m.group(2) else "")
            eol = "\n" if rows[i].endswith("\n") else ""
            if not eol:
                rows[i] += "\n"
            edits.append((i + 1, f"{indent}sha256: {s.text.sha256}\n", False))
        done.append(s.id)
    for i, new, replace in sorted(edits, reverse=True):
        if replace:
            rows[i] = new
        else:
            rows.insert(i, new)
    if done:
        file.write_text("".join(rows), encoding="utf-8")
    return done


def _by_hand(file: Path, s: Any, line: int | None) -> Exception:
    return fail(str(file), f"sources[{s.index}]", "cannot place the sha256 automatically (flow-style mapping)",
                f"add 'sha256: {s.text.sha256}' to this source by hand", line)
