"""Quantities in a sentence: money (currency and magnitude), percentages, ranks, durations, counts with
their units, and years. A number whose digit grouping is malformed (e.g. "2,8,500") is flagged with a
null value, never read as some number.

Units follow the scenario's own way of writing them: ``US$ 924 million`` → value 924, unit ``US$ million``;
``1.0389 trillion won`` → 1.0389, ``KRW trillion``; ``25 per cent`` → 25, ``%``; ``28,500 troops`` →
28500, ``troops``; ``a five year span`` → 5, ``years``; ``third largest buyer`` → 3, ``rank``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from allied.drafting.text import wordset

_NUM = r"\d+(?:,\d+)*(?:\.\d+)?"
_MAG = r"trillion|billion|million|thousand|tn|bn|mn|m|k"
_PREFIX = {
    "us$": "US$", "u.s.$": "US$", "usd": "US$", "$": "$", "a$": "A$", "c$": "C$", "nt$": "NT$", "hk$": "HK$",
    "s$": "S$", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "₩": "KRW",
    "krw": "KRW", "cny": "CNY", "rmb": "CNY", "inr": "INR", "₹": "INR", "rub": "RUB", "₽": "RUB",
}
_SUFFIX = {
    "us dollars": "US$", "us dollar": "US$", "dollars": "$", "dollar": "$", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pound": "GBP", "yen": "JPY", "won": "KRW", "yuan": "CNY", "renminbi": "CNY",
    "rupees": "INR", "rupee": "INR", "roubles": "RUB", "rubles": "RUB",
}
_MAG_NAME = {"trillion": "trillion", "tn": "trillion", "billion": "billion", "bn": "billion", "million": "million",
             "mn": "million", "m": "million", "thousand": "thousand", "k": "thousand"}
_WORDNUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
            "thirty": 30, "fifty": 50, "hundred": 100}
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10}
_TIME = {"year": "years", "years": "years", "month": "months", "months": "months", "week": "weeks",
         "weeks": "weeks", "day": "days", "days": "days", "decade": "decades", "decades": "decades"}
_MONTHS = wordset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec")
_NOT_UNITS = _MONTHS | wordset("""a an the of to in on at for and or but than per cent percent from by with as is
are was were has have had be been will would that this which who it its and times time ago earlier later more less
over under about around nearly almost some""") | frozenset(_MAG_NAME) | frozenset(_TIME)

_PRE = "|".join(re.escape(k) for k in sorted(_PREFIX, key=len, reverse=True))
_SUF = "|".join(re.escape(k) for k in sorted(_SUFFIX, key=len, reverse=True))
MONEY_PRE = re.compile(rf"(?<![\w$])(?P<cur>{_PRE})\s?(?P<num>{_NUM})(?:[\s-]?(?P<mag>{_MAG})\b)?", re.IGNORECASE)
MONEY_SUF = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?:(?P<mag>{_MAG})\s)?(?P<cur>{_SUF})\b", re.IGNORECASE)
PERCENT = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?P<u>%|per\s?cent\b|percent\b|pc\b|percentage points?\b)",
                     re.IGNORECASE)
RANK = re.compile(r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
                  r"[\s-](?P<sup>largest|biggest|highest|lowest|smallest|top|leading)\b(?:\s(?P<noun>[a-z]+))?",
                  re.IGNORECASE)
_WORDS = "|".join(_WORDNUM)
DURATION = re.compile(rf"(?<![\w.,])(?P<num>{_NUM}|{_WORDS})[\s-](?P<u>years?|months?|weeks?|days?|decades?)\b",
                      re.IGNORECASE)
COUNT = re.compile(rf"(?<![\w.,$/-])(?P<num>{_NUM})\s(?P<w1>[A-Za-z][A-Za-z-]+)(?:\s(?P<w2>[a-z][a-z-]+))?")
YEAR = re.compile(r"(?<![\w.,$])(?P<num>1[89]\d\d|20\d\d)(?!\w|[.,]\d)")


@dataclass(frozen=True)
class Found:
    value: float | None
    unit: str
    text: str
    kind: str
    start: int
    end: int
    flag: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"value": self.value, "unit": self.unit, "text": self.text, "kind": self.kind}
        if self.flag:
            out["flag"] = self.flag
        return out


def number(raw: str) -> tuple[float | None, str | None]:
    """(value, flag) of a digit string: commas must group digits in threes, else the number is flagged."""
    if "," in raw:
        whole = raw.split(".")[0]
        groups = whole.split(",")
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            digits = whole.replace(",", "")
            regrouped = f"{int(digits):,}" if digits.isdigit() else digits
            sizes = "-".join(str(len(g)) for g in groups)
            return None, (f"malformed number '{raw}': digits grouped {sizes} instead of in threes "
                          f"(perhaps {regrouped}?); check the source and enter the figure yourself")
    try:
        return float(raw.replace(",", "")), None
    except ValueError:
        return None, f"cannot read the number '{raw}'"


def extract(sentence: str) -> list[Found]:
    """Every quantity in ``sentence``, in order of appearance (overlapping readings: the first kind wins,
    in the order money, percentage, rank, duration, count, year)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(f: Found) -> None:
        if free(f.start, f.end):
            found.append(f)
            taken.append((f.start, f.end))

    for pat, table in ((MONEY_PRE, _PREFIX), (MONEY_SUF, _SUFFIX)):
        for m in pat.finditer(sentence):
            value, flag = number(m.group("num"))
            cur = table[m.group("cur").lower()]
            mag = _MAG_NAME.get((m.group("mag") or "").lower(), "")
            if mag == "million" and (m.group("mag") or "") == "M" and pat is MONEY_SUF:
                mag = "million"
            add(Found(value, f"{cur} {mag}".strip(), m.group(0).strip(), "money", m.start(), m.end(), flag))
    for m in PERCENT.finditer(sentence):
        value, flag = number(m.group("num"))
        unit = "percentage points" if m.group("u").lower().startswith("percentage") else "%"
        add(Found(value, unit, m.group(0), "percent", m.start(), m.end(), flag))
    for m in RANK.finditer(sentence):
        o = m.group("ord").lower()
        value = float(_ORD[o]) if o in _ORD else float(re.sub(r"\D", "", o))
        noun = m.group("noun") or ""
        end = m.end() if noun and noun not in _NOT_UNITS else m.end("sup")
        add(Found(value, "rank", sentence[m.start():end], "rank", m.start(), end))
    for m in DURATION.finditer(sentence):
        raw = m.group("num")
        if raw.lower() in _WORDNUM:
            if raw.lower() in ("a", "an") and not re.search(r"\b(?:of|for|over|within|lasting)\s+$",
                                                            sentence[:m.start()], re.IGNORECASE):
                continue  # "a year ago", "twice a year": not a stated duration
            value, flag = float(_WORDNUM[raw.lower()]), None
        else:
            value, flag = number(raw)
        add(Found(value, _TIME[m.group("u").lower()], m.group(0), "duration", m.start(), m.end(), flag))
    for m in COUNT.finditer(sentence):
        w1, w2 = m.group("w1"), m.group("w2")
        if w1.lower() in _NOT_UNITS:
            continue
        proper = w1[0].isupper() and not w1.isupper()  # "2019 Moon": a name is not a unit
        if _countable(w1) and not proper:
            unit, end = w1, m.end("w1")
        elif w2 and _countable(w2) and w2 not in _NOT_UNITS:  # "30 new jets", "35,000 American soldiers"
            unit, end = w2, m.end("w2")
        else:
            continue  # "2016 despite", "10 new": no countable noun follows
        value, flag = number(m.group("num"))
        add(Found(value, unit.lower(), sentence[m.start():end], "count", m.start(), end, flag))
    for m in YEAR.finditer(sentence):
        add(Found(float(m.group("num")), "year", m.group(0), "year", m.start(), m.end()))
    for m in re.finditer(rf"(?<![\w.,$]){_NUM}", sentence):  # any other malformed number is flagged too
        value, flag = number(m.group(0))
        if flag and free(m.start(), m.end()):
            add(Found(None, "", m.group(0), "number", m.start(), m.end(), flag))
    found.sort(key=lambda f: f.start)
    return found


def currency_of(units: str) -> str | None:
    """The currency an issue's units name ("US$ million per year" -> "US$", "KRW trillion" -> "KRW")."""
    m = re.search(rf"(?<![\w$])({_PRE})(?![\w])", units, re.IGNORECASE) or \
        re.search(rf"\b({_SUF})\b", units, re.IGNORECASE)
    if m is None:
        return None
    key = m.group(1).lower()
    return _PREFIX.get(key) or _SUFFIX.get(key)


def _countable(word: str) -> bool:
    return word.endswith("s") or word in {"aircraft", "personnel", "staff", "equipment", "police", "people"}
