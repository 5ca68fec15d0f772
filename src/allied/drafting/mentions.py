"""Which actors a sentence names, and which of them is its grammatical subject (a light heuristic).

An actor's names are its id, its name (with and without a parenthesis), its ``aliases:`` and, when the
actor is a country, the gazetteer's names (:mod:`.gazetteer`). Names with a capital letter match with
their case (so "US" is not "us", "Moon" is not "moon"); names written in lower case match in any case.
"US" before a currency sign ("US$") is money, not the country.

The subject is the first actor named in the sentence whose name is not the object of a preposition
("pushed South Korea **to** …", "talks **with** Pyongyang"), looking back over determiners and adjectives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from allied.drafting.gazetteer import country_names
from allied.drafting.text import wordset

PREPOSITIONS = wordset("""to from with against on of for by toward towards at into onto over between about than
like including among amid upon via under behind beyond after before despite during within without across around
near unlike versus vs""")
_SKIP_BACK = wordset("the a an its their his her our this that these those both")
_PAREN = re.compile(r"\s*\(([^)]*)\)")
_CONJOINED = re.compile(r"(?:['’]s)?\s*(?:,\s*|\s+and\s+|\s*,\s*and\s+|\s+&\s+)(?:the\s+)?")


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    subject: bool = False


def names_of(actor: Any) -> list[str]:
    """Every name drafting looks for, for one actor (a scenario ``Actor``)."""
    names = [actor.id, actor.name, *actor.aliases, *country_names(actor.id, actor.name)]
    plain = _PAREN.sub("", actor.name).strip()
    if plain:
        names.append(plain)
    seen: dict[str, None] = {}
    for n in names:
        n = n.strip()
        if len(n) >= 2 and n not in seen:
            seen[n] = None
    return list(seen)


TITLES = (r"(?:President|Vice[- ]President|Prime Minister|PM|Premier|Chancellor|King|Emperor|Supreme Leader|"
          r"Chairman|(?:Foreign|Defen[cs]e|Finance|Trade|Unification) Minister|Minister|Secretary of State|"
          r"(?:Defen[cs]e|Foreign|Trade|Treasury) Secretary|Secretary|Ambassador|Envoy|(?:chief )?negotiator|"
          r"leader|ruler|Senator|Gen\.|General|Admiral)")
_NAME = r"[A-Z][A-Za-z’'\-]+(?:\s[A-Z][A-Za-z’'\-]+){0,2}"


class ActorMatcher:
    """Finds the actors a text names (one compiled pattern for all actors).

    With ``texts``, names introduced in them by a title after an actor's name ("South Korean President Moon
    Jae-in", "US Defence Secretary Mark Esper") become that actor's names too: the full name and the family
    name (the last word; the first word when a hyphenated given name follows, as in "Moon Jae-in"). A name
    that would belong to two actors is left out. ``discovered`` lists what was added."""

    def __init__(self, actors: list[Any], texts: list[str] | None = None):
        self.names: dict[str, list[str]] = {a.id: names_of(a) for a in actors}
        self.discovered: dict[str, str] = {}
        self._compile()
        if texts:
            self._discover(texts)

    def _discover(self, texts: list[str]) -> None:
        taken = {n: a for a, ns in self.names.items() for n in ns}
        found: dict[str, set[str]] = {}
        title = re.compile(rf"\s+{TITLES}\s+(?P<name>{_NAME})")
        for text in texts:
            for m in self.find(text):
                t = title.match(text, m.end)
                if t is None:
                    continue
                full = re.sub(r"[’']s$", "", t.group("name"))
                parts = full.split()
                fam = parts[0] if len(parts) > 1 and "-" in parts[-1] else parts[-1]
                for n in {full, fam}:
                    if len(n) >= 2 and n not in taken:
                        found.setdefault(n, set()).add(m.actor)
        for n, owners in found.items():
            if len(owners) == 1:
                actor = owners.pop()
                self.names[actor].append(n)
                self.discovered[n] = actor
        if self.discovered:
            self._compile()

    def _compile(self) -> None:
        owner: dict[str, str] = {}
        folded: dict[str, str] = {}
        for actor, names in self.names.items():
            for n in names:
                if n.lower() == n:
                    folded.setdefault(n, actor)
                else:
                    owner.setdefault(n, actor)
        self._owner = owner
        self._folded = {k.lower(): v for k, v in folded.items()}
        self._cased = _pattern(owner, 0)
        self._lower = _pattern(folded, re.IGNORECASE)

    def find(self, text: str) -> list[Mention]:
        """Mentions of actors in ``text``, in order; the subject is marked."""
        hits: list[Mention] = []
        for pat, table, fold in ((self._cased, self._owner, False), (self._lower, self._folded, True)):
            if pat is None:
                continue
            for m in pat.finditer(text):
                key = m.group(0).lower() if fold else m.group(0)
                hits.append(Mention(table[key], m.start(), m.end()))
        hits.sort(key=lambda h: (h.start, -h.end))
        kept: list[Mention] = []
        for h in hits:  # drop a shorter name inside a longer one ("Korea" inside "North Korea")
            if kept and h.start < kept[-1].end:
                continue
            kept.append(h)
        for i, h in enumerate(kept):
            if not _after_preposition(text, h.start):
                kept[i] = Mention(h.actor, h.start, h.end, True)
                # a conjoined subject: "Washington and Seoul agreed", "Japan, South Korea and the US said"
                j = i + 1
                while j < len(kept) and _CONJOINED.fullmatch(text[kept[j - 1].end:kept[j].start]):
                    kept[j] = Mention(kept[j].actor, kept[j].start, kept[j].end, True)
                    j += 1
                break
        return kept

    def strip(self, text: str) -> str:
        """``text`` with every actor name blanked out."""
        for pat in (self._cased, self._lower):
            if pat is not None:
                text = pat.sub(" ", text)
        return text

    def names_any(self, text: str) -> bool:
        return bool((self._cased and self._cased.search(text)) or (self._lower and self._lower.search(text)))


def _pattern(names: dict[str, str], flags: int) -> re.Pattern[str] | None:
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alts})(?![\w$])(?!\s?\$)", flags)


def _after_preposition(text: str, start: int) -> bool:
    """Whether the words before ``start`` (skipping determiners) end in a preposition."""
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 60):start].lower())
    while before and before[-1] in _SKIP_BACK:
        before.pop()
    return bool(before) and before[-1] in PREPOSITIONS
