"""The one text normalisation used to compare a quote with its source (docs/sources.md).

Applied to both sides, character by character, keeping a map from every normalised character back to
its offset in the original text so a match can be reported (and shown) in the source's own words:

1. Unicode compatibility forms (NFKC, per character): ligatures (``ﬁ`` → ``fi``), full-width forms,
   the ellipsis character (``…`` → ``...``), non-breaking and other special spaces.
2. Typographic quotes to straight ones (``‘ ’ ‚ ‛ ′`` → ``'``; ``“ ” „ ‟ ″ « »`` → ``"``); dashes and
   the minus sign to ``-``.
3. Soft hyphens and zero-width characters removed.
4. Hyphens inside words are dropped, so a word hyphenated at a line break (``negoti-`` / ``ations``)
   reads ``negotiations``, ``step-by-`` / ``step`` reads ``stepbystep`` on both sides, and ``co-founded``
   equals ``cofounded``. A dash between spaces stays.
5. Every run of whitespace (line breaks included) becomes one space; letters are compared in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@lru_cache(maxsize=4096)
def _char(c: str) -> str:
    """Normalised form of one character (possibly empty or several characters)."""
    if c in _DROP:
        return ""
    if c in _SINGLE:
        return "'"
    if c in _DOUBLE:
        return '"'
    if c in _DASHES:
        return "-"
    if c.isspace():
        return " "
    out = unicodedata.normalize("NFKC", c) if not c.isascii() else c
    if len(out) == 1 and out.isspace():
        return " "
    return out.lower()


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset of the original character it came from."""

    text: str
    origin: tuple[int, ...]
    length: int  # length of the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` offsets of the normalised slice ``[start, end)``."""
        if start >= len(self.origin):
            return self.length, self.length
        a = self.origin[start]
        b = self.origin[end - 1] + 1 if end > start else a
        return a, b


_WORD_HYPHEN = re.compile(r"(?<=\w)- ?(?=\w)")


def normalise(text: str) -> Normalised:
    """Normalise ``text`` as the module docstring says, with the offset map back to ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    ascii_fast = text.isascii()
    for i, c in enumerate(text):
        n = (" " if c.isspace() else c.lower()) if ascii_fast and c != "`" else _char(c)
        for ch in n:
            if ch == " " and (not chars or chars[-1] == " "):
                continue  # collapse runs of whitespace and drop leading space
            chars.append(ch)
            origin.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    joined = "".join(chars)
    # hyphens inside words (and a hyphen at a line break, now "- "): drop them with the space after
    if "-" in joined:
        keep = [True] * len(joined)
        for m in _WORD_HYPHEN.finditer(joined):
            if m.group(0) == "- " and not _line_break_at(text, origin[m.start()]):
                continue  # "pro- and anti-" written on one line: a real dash with a space, keep it
            for k in range(m.start(), m.end()):
                keep[k] = False
        joined = "".join(ch for ch, k in zip(joined, keep, strict=True) if k)
        origin = [o for o, k in zip(origin, keep, strict=True) if k]
    return Normalised(joined, tuple(origin), len(text))


def _line_break_at(text: str, hyphen_at: int) -> bool:
    """Whether the hyphen at ``hyphen_at`` in the original text ends a line."""
    j = hyphen_at + 1
    while j < len(text) and text[j] in " \t\r":
        j += 1
    return j < len(text) and text[j] == "\n"


def key(text: str) -> str:
    """Normalised text alone (for comparisons that need no offsets)."""
    return normalise(text).text
