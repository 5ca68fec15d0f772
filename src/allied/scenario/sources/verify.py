"""Check every quote of a scenario against its source file (``allied validate``; docs/sources.md).

A source's ``path`` is read relative to the scenario file, then in each *source folder* (``--source-dir``
options, then the folders listed in the ``ALLIED_SOURCES`` environment variable), by the path as written
and by its file name. Statuses per quote: ``verified`` (with paragraph and offset), ``misquoted`` and
``not_found`` (errors), ``not_at_hand`` (a warning, once per source). A source whose recorded ``sha256``
differs from its file's is an error: the text changed since its quotes were checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allied.errors import Problem, ScenarioError
from allied.scenario.sources.match import find
from allied.scenario.sources.normalise import Normalised, normalise
from allied.scenario.sources.readers import SourceText, read_source

Loc = tuple[str | int, ...]
ENV = "ALLIED_SOURCES"


@dataclass
class SourceCheck:
    """One ``sources:`` entry and its file."""

    id: str
    index: int
    path: str | None  # as written in the scenario
    file: Path | None = None  # where it was found
    text: SourceText | None = None
    norm: Normalised | None = None
    recorded: str | None = None  # the sha256 in the scenario
    problem: str | None = None  # why the file could not be read

    @property
    def status(self) -> str:
        if self.path is None:
            return "no_file"
        if self.problem:
            return "unreadable"
        if self.text is None:
            return "not_at_hand"
        if self.recorded and self.recorded != self.text.sha256:
            return "changed"
        return "ok"


@dataclass
class QuoteCheck:
    """The result of checking one quote."""

    loc: Loc  # where its evidence sits in the scenario, e.g. ("stances", 3, "evidence")
    source: str
    quote: str
    status: str  # verified, misquoted, not_found, not_at_hand, no_file
    paragraph: int | None = None
    offset: int | None = None
    end: int | None = None
    score: float | None = None
    source_words: str | None = None
    difference: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "loc"} | {"where": dotted(self.loc)}


@dataclass
class Verification:
    """Every quote's check and every source's file."""

    quotes: list[QuoteCheck] = field(default_factory=list)
    sources: dict[str, SourceCheck] = field(default_factory=dict)

    def at(self, loc: Loc) -> QuoteCheck | None:
        return next((q for q in self.quotes if q.loc == loc), None)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self.quotes:
            out[q.status] = out.get(q.status, 0) + 1
        return out

    def passage(self, check: QuoteCheck, context: int = 300) -> tuple[str, str, str] | None:
        """(before, quoted text, after) in the source's own words, when the source is at hand."""
        src = self.sources.get(check.source)
        if src is None or src.text is None or check.offset is None or check.end is None:
            return None
        return src.text.passage(check.offset, check.end, context)

    def errors(self, file: str, lines: dict[Loc, int] | None = None) -> list[Problem]:
        lines = lines or {}
        out: list[Problem] = []
        for s in self.sources.values():
            where = s.file or s.path
            if s.status == "unreadable":
                out.append(Problem(file, f"sources[{s.index}].path", s.problem or "unreadable",
                                   "give a readable .txt, .md, .html or .pdf file",
                                   _line(lines, ("sources", s.index, "path"))))
            elif s.status == "changed" and s.text is not None:
                out.append(Problem(
                    file, f"sources[{s.index}].sha256",
                    f"the source file {where} has changed since its quotes were checked "
                    f"(recorded sha256 {str(s.recorded)[:12]}…, now {s.text.sha256[:12]}…)",
                    "re-read the quotes against the new text, then record its hash: "
                    "allied validate FILE --record-hashes", _line(lines, ("sources", s.index, "sha256"))))
        for q in self.quotes:
            loc = (*q.loc, "quote")
            src = self.sources[q.source]
            name = f"'{q.source}' ({src.file or src.path})"
            if q.status == "misquoted":
                out.append(Problem(
                    file, dotted(loc),
                    f"misquoted: {q.difference} (paragraph {q.paragraph} of {name}, {q.score:g}% alike). "
                    f"The source reads: “{q.source_words}”",
                    "copy the source's words exactly; mark omitted words with ...", _line(lines, loc)))
            elif q.status == "not_found":
                near = f"; the closest passage is only {q.score:g}% alike" if q.score else ""
                out.append(Problem(file, dotted(loc), f"quote not found in {name}{near}",
                                   "check the quote against the source text, or the source it names",
                                   _line(lines, loc)))
        return out

    def warnings(self, file: str, lines: dict[Loc, int] | None = None) -> list[Problem]:
        lines = lines or {}
        out = []
        for s in self.sources.values():
            n = sum(1 for q in self.quotes if q.source == s.id)
            if s.status == "not_at_hand" and n:
                out.append(Problem(
                    file, f"sources[{s.index}].path",
                    f"source not at hand: {s.path} (looked beside the scenario and in the source folders); "
                    f"its {n} quote{'s' * (n != 1)} were not checked",
                    f"put the file there, or pass --source-dir DIR (or set {ENV}); --no-sources skips the check",
                    _line(lines, ("sources", s.index, "path"))))
        return out


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def source_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The folders searched for source files: ``extra`` first, then ``$ALLIED_SOURCES``."""
    dirs = [Path(d) for d in extra]
    dirs += [Path(d) for d in os.environ.get(ENV, "").split(os.pathsep) if d.strip()]
    return dirs


def locate(path: str, base: Path | None, dirs: Sequence[Path]) -> Path | None:
    """The file a source's ``path`` names: beside the scenario, else in a source folder."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p if p.is_file() else None
    candidates = [base / p] if base is not None else []
    for d in dirs:
        candidates += [d / p, d / p.name]
    return next((c for c in candidates if c.is_file()), None)


def evidence_locations(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Every evidence mapping (a ``source`` and a ``quote``) in plain scenario data, with its location.
    The ``drafts:`` section holds candidates, not evidence, and is skipped."""
    if isinstance(data, dict):
        if isinstance(data.get("quote"), str) and isinstance(data.get("source"), str):
            yield loc, data
        for k, v in data.items():
            if loc == () and k == "drafts":
                continue
            yield from evidence_locations(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from evidence_locations(v, (*loc, i))


def open_sources(sc: Any, base: Path | None, dirs: Sequence[Path]) -> dict[str, SourceCheck]:
    """Find and read each source that names a file."""
    out: dict[str, SourceCheck] = {}
    for k, s in enumerate(sc.sources):
        chk = SourceCheck(s.id, k, s.path, recorded=s.sha256)
        if s.path:
            chk.file = locate(s.path, base, dirs)
            if chk.file is not None:
                try:
                    chk.text, chk.norm = _read(chk.file)
                except ScenarioError as exc:
                    chk.problem = "; ".join(p.message for p in exc.problems)
        out[s.id] = chk
    return out


_CACHE: dict[tuple[str, int, int], tuple[SourceText, Normalised]] = {}


def _read(path: Path) -> tuple[SourceText, Normalised]:
    """A source's text and its normalised form, kept while the file is unchanged (the web app checks the
    same sources on every page)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is None:
        text = read_source(path)
        hit = (text, normalise(text.text))
        if len(_CACHE) >= 16:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


def verify(sc: Any, scenario_file: str | Path | None = None, dirs: Iterable[str | Path] = ()) -> Verification:
    """Check every quote of scenario ``sc`` (loaded from ``scenario_file``, if a file) against its source."""
    base = None
    if scenario_file is not None and Path(scenario_file).is_file():
        base = Path(scenario_file).resolve().parent
    res = Verification(sources=open_sources(sc, base, source_dirs(dirs)))
    data = sc.model_dump(mode="python", exclude_none=True)
    for loc, ev in evidence_locations(data):
        src = res.sources.get(ev["source"])
        if src is None:
            continue  # an unknown source id is reported by validation itself
        chk = QuoteCheck(loc, src.id, ev["quote"], "no_file" if src.path is None else "not_at_hand")
        if src.text is not None and src.norm is not None:
            m = find(ev["quote"], src.norm, src.text.text)
            chk.status, chk.score = m.status, m.score
            chk.source_words, chk.difference = m.source_words, m.difference
            if m.start is not None:
                chk.offset, chk.end = m.start, m.end
                chk.paragraph = src.text.paragraph(m.start)
        res.quotes.append(chk)
    return res
