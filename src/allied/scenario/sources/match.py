"""Find one quote in one source text, after the shared normalisation (:mod:`.normalise`).

* **verified**: every part of the quote is found verbatim (after normalisation), in order; an ellipsis
  (``...``, ``…``, ``[...]``) in the quote stands for omitted text of up to ``MAX_GAP`` characters.
* **misquoted**: not found, but a near match exists: the passage best aligned with the quote (located
  with rapidfuzz's partial ratio, refined over word-aligned windows) is at least ``NEAR`` % alike
  character by character, or differs by a single word in a quote of five words or more; the source's own
  words and the word-level difference are reported.
* **not found**: neither.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from allied.scenario.sources.normalise import Normalised, normalise

NEAR = 90.0
MAX_GAP = 2000
_ELLIPSIS = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.+)\s*")

Status = Literal["verified", "misquoted", "not_found"]


@dataclass(frozen=True)
class Match:
    """Where a quote lies in its source (offsets into the source's text) and how well it matches."""

    status: Status
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    source_words: str | None = None  # the source's own words at the near match (misquoted only)
    difference: str | None = None  # e.g. "'pay' where the source has 'contribute'"


def segments(quote: str) -> list[str]:
    """The normalised parts of a quote between its ellipses."""
    return [s.strip() for s in _ELLIPSIS.split(normalise(quote).text) if s.strip(" .")]


def find(quote: str, source: Normalised, original: str) -> Match:
    """Match ``quote`` against ``source`` (the normalised form of ``original``)."""
    parts = segments(quote)
    if not parts:
        return Match("not_found")
    hay = source.text
    start = hay.find(parts[0])
    while start >= 0:
        end = _rest(parts, hay, start + len(parts[0]))
        if end is not None:
            a, b = source.span(start, end)
            return Match("verified", a, b, 100.0)
        start = hay.find(parts[0], start + 1)
    return _near(parts, source, original)


def _rest(parts: list[str], hay: str, pos: int) -> int | None:
    """End of the match when parts[1:] follow in order, each within MAX_GAP of the previous one."""
    for part in parts[1:]:
        nxt = hay.find(part, pos, pos + MAX_GAP + len(part))
        if nxt < 0:
            return None
        pos = nxt + len(part)
    return pos


def _near(parts: list[str], source: Normalised, original: str) -> Match:
    hay = source.text
    worst: tuple[float, int, int, str] | None = None
    first: int | None = None
    last: int | None = None
    for part in parts:
        if len(part) > len(hay):
            return Match("not_found")
        exact = hay.find(part)
        if exact >= 0:
            s, e, score, close = exact, exact + len(part), 100.0, True
        else:
            score, s, e, close = _best_window(part, hay)
        if worst is None or (score < worst[0] and not close):
            worst = (score if not close else max(score, NEAR), s, e, part)
        first = s if first is None else min(first, s)
        last = e if last is None else max(last, e)
    assert worst is not None and first is not None and last is not None
    score, s, e, part = worst
    a, b = source.span(first, last)
    if score < NEAR:
        return Match("not_found", a, b, round(score, 1))
    wa, wb = source.span(s, e)
    words = re.sub(r"\s+", " ", original[wa:wb]).strip()
    return Match("misquoted", a, b, round(score, 1), words, difference(part, hay[s:e]))


def _best_window(part: str, hay: str) -> tuple[float, int, int, bool]:
    """The passage of ``hay`` most like ``part``: located with rapidfuzz's partial-ratio alignment, then
    refined over word-aligned windows of about the quote's length. Returns (ratio 0-100, start, end,
    whether the two differ by at most one word in a quote of five words or more)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    al = fuzz.partial_ratio_alignment(part, hay)
    if al is None:
        return 0.0, 0, 0, False
    n = len(part)
    lo, hi = max(0, al.dest_start - n // 2), min(len(hay), al.dest_end + n // 2)
    bounds = [m.start() for m in re.finditer(r"\S+", hay[lo:hi])]
    ends = [m.end() for m in re.finditer(r"\S+", hay[lo:hi])]
    qwords = part.split()
    best = (al.score, al.dest_start, al.dest_end)
    k = len(qwords)
    for i, b0 in enumerate(bounds):
        for j in range(max(i, i + k - 3), min(len(ends), i + k + 2)):
            window = hay[lo + b0: lo + ends[j]]
            r = fuzz.ratio(part, window)
            if r > best[0]:
                best = (r, lo + b0, lo + ends[j])
    score, s, e = best
    close = len(qwords) >= 5 and Levenshtein.distance(qwords, hay[s:e].split()) <= 1
    return score, s, e, close


def difference(quote: str, found: str, limit: int = 3) -> str:
    """Word-level difference in plain words: "'X' where the source has 'Y'" (at most ``limit`` pieces)."""
    qa, fb = quote.split(), found.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=qa, b=fb, autojunk=False).get_opcodes():
        q, f = " ".join(qa[i1:i2]), " ".join(fb[j1:j2])
        if op == "replace":
            out.append(f"'{q}' where the source has '{f}'")
        elif op == "delete":
            out.append(f"'{q}' is not in the source")
        elif op == "insert" and j1 > 0 and i1 < len(qa):  # words missing inside the quote, not at its ends
            out.append(f"the source has '{f}' here, the quote omits it (mark omissions with ...)")
    if not out:
        return "differs only in punctuation or spacing the normalisation does not cover"
    more = len(out) - limit
    return "; ".join(out[:limit]) + (f"; and {more} more difference{'s' * (more > 1)}" if more > 0 else "")
