"""Sentences with their offsets (pysbd, rule-based sentence boundary detection) and retrieval tokens
(lower-case words without English stop words, Snowball-stemmed with PyStemmer)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

_PARA = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (for word lists written as prose)."""
    return frozenset(text.split())


#: English function words left out of retrieval (a short list: BM25's idf discounts the rest)
STOP = wordset("""a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
not now of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves also said says say
since s t its whether mr ms dr per cent percent us""")


@dataclass(frozen=True)
class Sentence:
    """One sentence of one source: its text, where it starts in the source's text, its paragraph."""

    index: int  # position among the source's sentences
    text: str
    start: int
    paragraph: int


@lru_cache(maxsize=1)
def _segmenter() -> object:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(start offset, text) of each non-empty paragraph (blocks separated by blank lines)."""
    pos = 0
    for m in _PARA.finditer(text):
        if text[pos:m.start()].strip():
            yield pos, text[pos:m.start()]
        pos = m.end()
    if text[pos:].strip():
        yield pos, text[pos:]


def sentences(text: str, paragraph_of: Callable[[int], int],
              keep: Callable[[str], bool] | None = None) -> list[Sentence]:
    """The sentences of ``text`` in order, with offsets and paragraph numbers (``paragraph_of(offset)``);
    paragraphs for which ``keep`` is false are skipped (drafting skips paragraphs that name no actor: their
    sentences could never be candidates)."""
    seg = _segmenter()
    out: list[Sentence] = []
    for start, para in paragraphs(text):
        if keep is not None and not keep(para):
            continue
        number = paragraph_of(start)
        pos = 0
        for piece in seg.segment(para):  # type: ignore[attr-defined]
            s = piece.strip()
            if not s:
                continue
            at = para.find(s, pos)
            if at < 0:  # the splitter altered the text (it should not with clean=False): skip the piece
                continue
            pos = at + len(s)
            flat = re.sub(r"\s*\n\s*", " ", re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", s))  # a line-end hyphen stays
            out.append(Sentence(len(out), flat, start + at, number))
    return out


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (possessive endings dropped), stop words kept."""
    out = []
    for w in _WORD.findall(text.lower()):
        w = re.sub(r"['’]s$", "", w)
        out.append(w.replace("’", "'"))
    return out


def tokens(text: str) -> list[str]:
    """Retrieval tokens: words without stop words, stemmed."""
    ws = [w for w in words(text) if w not in STOP]
    return list(_stemmer().stemWords(ws))  # type: ignore[attr-defined]


def stem_all(docs: list[list[str]]) -> list[list[str]]:
    """Stem many word lists in one call (the stemmer is the slow part for long sources)."""
    flat = [w for d in docs for w in d]
    stems = _stemmer().stemWords(flat)  # type: ignore[attr-defined]
    out, k = [], 0
    for d in docs:
        out.append(stems[k:k + len(d)])
        k += len(d)
    return out
