"""Rank the sentences of the sources for each (actor, issue) pair of a skeleton.

For each issue, a query is built from the distinct words of its name, description, units and labels, and
of its ``keywords:`` (which count twice), with every actor's names removed (they say *who*, not *what*).
Each sentence's relevance to the issue is its Okapi BM25 score (Robertson & Zaragoza 2009; computed with
``bm25s``: k1 = 1.5, b = 0.75, over all sentences of all sources). A sentence is a candidate for an actor
when it names the actor, or names no actor and follows a sentence whose subject was that actor. The candidate's score is

    relevance = BM25                                   (the sentence against the issue's query)
    relevance = (BM25 + 0.5 × mean BM25 if a quantity lies on the scale) × 1.3
                                                       (when it has a quantity in the issue's units)
    score     = relevance × who × (1.25 if the sentence has a stance verb)

with ``who`` = 1 when the actor is the sentence's subject, 0.6 when it is named elsewhere in it, 0.5 when
it is carried over from the sentence before; "mean BM25" is the issue's mean positive score. Only
sentences with a positive relevance are candidates.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from allied.drafting import quantities as qty
from allied.drafting.mentions import ActorMatcher
from allied.drafting.text import STOP, Sentence, stem_all, tokens, words

WHO_SUBJECT, WHO_NAMED, WHO_CARRIED = 1.0, 0.6, 0.5
CUE_BONUS, UNIT_BONUS, ON_SCALE = 1.25, 1.3, 0.5
STANCE_CUES = re.compile(
    r"\b(?:wants?|wanted|demand(?:s|ed|ing)?|insist(?:s|ed)?|argu(?:e|es|ed)|prefer(?:s|red)?|oppos(?:e|es|ed)"
    r"|support(?:s|ed)?|reject(?:s|ed)?|refus(?:e|es|ed)|push(?:es|ed)?|urg(?:e|es|ed)|seek(?:s)?|sought"
    r"|propos(?:e|es|ed)|offer(?:s|ed)?|agree(?:s|d)?|accept(?:s|ed)?|threat(?:en|ens|ened)|must|should"
    r"|ask(?:s|ed)?|call(?:s|ed)? for|den(?:y|ies|ied)|vow(?:s|ed)?|pledg(?:e|es|ed)|commit(?:s|ted)?"
    r"|indicat(?:e|es|ed)|announc(?:e|es|ed)|insist|warn(?:s|ed)?|plan(?:s|ned)? to|intend(?:s|ed)?)\b",
    re.IGNORECASE)
NEGATION = re.compile(r"\b(?:not|no|never|oppos\w*|reject\w*|refus\w*|den(?:y|ies|ied)|against)\b", re.IGNORECASE)
_CURRENCY = re.compile(r"US\$|\$|€|£|¥|₩|\b(?:usd|eur|gbp|jpy|krw|cny|dollars?|euros?|pounds?|yen|won|yuan)\b",
                       re.IGNORECASE)


@dataclass
class Candidate:
    actor: str
    issue: str
    source: str
    sentence: Sentence
    score: float
    quantities: list[qty.Found]
    side: dict[str, Any] | None


def _bm25(docs: list[list[str]]) -> Any:
    """A bm25s index over ``docs`` (token lists). bm25s imports numba when it can; drafting needs none of
    its numba paths, so numba is kept out of the import when it is not loaded already (≈1 s saved)."""
    blocked = "numba" not in sys.modules
    if blocked:
        sys.modules["numba"] = None  # type: ignore[assignment]
    try:
        import bm25s
    finally:
        if blocked and sys.modules.get("numba") is None:
            del sys.modules["numba"]
    index = bm25s.BM25(k1=1.5, b=0.75)
    index.index([d or ["\x00"] for d in docs], show_progress=False)
    return index


def issue_kind(issue: Any) -> tuple[str | None, str | None]:
    """(kind, unit) of an issue's units: money, percent, duration or count (with its unit word)."""
    units = issue.units or ""
    if not units:
        return None, None
    if _CURRENCY.search(units):
        return "money", None
    if "%" in units or "per cent" in units.lower() or "percent" in units.lower():
        return "percent", None
    for w in words(units):
        if w in ("year", "years", "month", "months", "week", "weeks", "day", "days"):
            return "duration", w.rstrip("s") + "s"
    ws = [w for w in words(units) if len(w) > 2]
    return ("count", ws[0]) if ws else (None, None)


def _matches_kind(f: qty.Found, kind: str | None, unit: str | None) -> bool:
    if kind is None or f.kind != kind:
        return False
    return kind != "count" or (unit is not None and f.unit.rstrip("s") == unit.rstrip("s"))


def query(issue: Any, matcher: ActorMatcher) -> list[str]:
    """The issue's retrieval query: each distinct word of its name, description, units and labels once,
    each word of its keywords twice (actor names removed)."""
    text = " ".join([issue.name, issue.description or "", issue.units or "", *map(str, issue.labels.values())])
    q = dict.fromkeys(tokens(matcher.strip(text)))
    kw = dict.fromkeys(t for k in issue.keywords for t in tokens(k))
    return [*q, *kw, *kw]


def rank(scenario: Any, sources: list[tuple[str, list[Sentence]]], top: int = 3,
         matcher: ActorMatcher | None = None) -> list[Candidate]:
    """The top-``top`` candidates of every (actor, issue) pair, best first within each pair."""
    matcher = matcher or ActorMatcher(scenario.actors)
    flat: list[tuple[str, Sentence]] = [(sid, s) for sid, sents in sources for s in sents]
    if not flat:
        return []
    # who may each sentence speak for: actor -> factor
    who: list[dict[str, float]] = []
    prev_subject: str | None = None
    prev_key: tuple[str, int, int] | None = None
    for sid, s in flat:
        found = matcher.find(s.text)
        w: dict[str, float] = {}
        for m in found:
            w[m.actor] = max(w.get(m.actor, 0.0), WHO_SUBJECT if m.subject else WHO_NAMED)
        follows = prev_key is not None and prev_key == (sid, s.paragraph, s.index - 1)
        if not found and follows and prev_subject is not None:
            w[prev_subject] = WHO_CARRIED
        subject = next((m.actor for m in found if m.subject), None)
        prev_subject = subject if found else (prev_subject if follows else None)
        prev_key = (sid, s.paragraph, s.index)
        who.append(w)
    docs = stem_all([[x for x in words(s.text) if x not in STOP] for _, s in flat])
    index = _bm25(docs)
    cue = [bool(STANCE_CUES.search(s.text)) for _, s in flat]
    found_q: dict[int, list[qty.Found]] = {}

    def quantities_of(k: int) -> list[qty.Found]:
        if k not in found_q:
            found_q[k] = qty.extract(flat[k][1].text)
        return found_q[k]

    out: list[Candidate] = []
    for issue in scenario.issues:
        scores = index.get_scores(query(issue, matcher))
        kind, unit = issue_kind(issue)
        positive = scores[scores > 0]
        base = ON_SCALE * float(positive.mean()) if positive.size else ON_SCALE
        relevance: dict[int, float] = {}
        for k, w in enumerate(who):
            if not w:
                continue
            rel = float(scores[k])
            if kind is not None and (rel > 0 or _has_number(flat[k][1].text)):
                qs = [x for x in quantities_of(k) if _matches_kind(x, kind, unit)]
                if qs:
                    rel = (rel + (base if on_scale(issue, qs) else 0.0)) * UNIT_BONUS
            if rel > 0:
                relevance[k] = rel * (CUE_BONUS if cue[k] else 1.0)
        for actor in scenario.actors:
            ranked: list[tuple[float, int]] = []
            for k, rel in relevance.items():
                f = who[k].get(actor.id)
                if f:
                    ranked.append((rel * f, k))
            ranked.sort(key=lambda t: (-t[0], t[1]))
            for sc, k in ranked[:top]:
                sid, s = flat[k]
                qs = quantities_of(k)
                out.append(Candidate(actor.id, issue.id, sid, s, round(sc, 4), qs,
                                     suggest_side(issue, s.text, qs, kind, unit, matcher)))
    return out


def _has_number(text: str) -> bool:
    return any(c.isdigit() for c in text) or bool(re.search(
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|a year)\b", text, re.IGNORECASE))


def _magnitude_ok(issue: Any, f: qty.Found) -> bool:
    """An amount of money is on an issue's scale only in the issue's currency and magnitude."""
    if f.kind != "money":
        return True
    units = issue.units or ""
    mag = next((m for m in ("trillion", "billion", "million", "thousand") if m in units.lower()), "")
    if mag and not f.unit.endswith(mag):
        return False
    cur = qty.currency_of(units)
    have = f.unit.split()[0]
    return cur is None or have == cur or {have, cur} == {"US$", "$"}


def on_scale(issue: Any, found: list[qty.Found]) -> list[qty.Found]:
    """The quantities (already of the issue's kind) that lie on its scale, in its magnitude."""
    lo, hi = issue.scale
    return [x for x in found if x.value is not None and lo <= x.value <= hi and _magnitude_ok(issue, x)]


def suggest_side(issue: Any, text: str, found: list[qty.Found], kind: str | None, unit: str | None,
                 matcher: ActorMatcher) -> dict[str, Any] | None:
    """Which end of the scale the wording points to, when it does: by the quantities in the issue's units
    that lie on its scale (when they agree), else by the one label whose distinctive words the sentence
    shares. None when unclear, and for negative sentences ("not", "rejected", "opposed"), whose figures and
    words may be the other side's."""
    lo, hi = issue.scale

    def end(v: float) -> str:
        t = (v - lo) / (hi - lo)
        return "low" if t < 1 / 3 else ("high" if t > 2 / 3 else "middle")

    def nearest(v: float) -> str | None:
        if not issue.labels:
            return None
        return str(issue.labels[min(issue.labels, key=lambda x: abs(x - v))])

    if NEGATION.search(text):
        return None  # "will not pay $8 billion": the figure is the other side's, the direction cannot be read
    placed = on_scale(issue, [x for x in found if _matches_kind(x, kind, unit)])
    if placed:
        ends = {end(x.value) for x in placed if x.value is not None}
        if len(ends) == 1:
            v = placed[0].value
            assert v is not None
            return {"end": ends.pop(), "label": nearest(v),
                    "why": f"mentions {', '.join(x.text for x in placed)} on the scale [{lo:g}, {hi:g}]"}
        return None
    if not issue.labels:
        return None
    label_tokens = {v: set(tokens(matcher.strip(str(t)))) for v, t in issue.labels.items()}
    sent = set(tokens(text))
    shared = {}
    for v, toks in label_tokens.items():
        others = set().union(*(t for u, t in label_tokens.items() if u != v))
        shared[v] = (toks - others) & sent
    best = sorted(shared, key=lambda v: -len(shared[v]))
    if not best or not shared[best[0]] or (len(best) > 1 and len(shared[best[1]]) >= len(shared[best[0]])):
        return None
    v = best[0]
    return {"end": end(v), "label": str(issue.labels[v]),
            "why": f"shares {', '.join(sorted(shared[v]))} with the label '{issue.labels[v]}'"}
