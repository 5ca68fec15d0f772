"""Built-in country gazetteer: the names a source may use for an actor whose id or name is a country.

ISO names come from ``pycountry`` (short name, official name, common name, when they read as running text);
a small table adds what ISO does not hold: everyday short names and codes (US, UK, ROK, DPRK, PRC), capitals
and seats of government (Seoul, Washington, the Kremlin), and demonyms (South Korean, American). A few
organisations that bargain like states (NATO, the EU) are in the table too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: codes in everyday use that are not ISO alpha-3 codes -> ISO alpha-3 (or the table's own key)
CODES = {"US": "USA", "UK": "GBR", "ROK": "KOR", "DPRK": "PRK", "PRC": "CHN", "ROC": "TWN", "UAE": "ARE",
         "RF": "RUS", "EU": "EU", "NATO": "NATO", "KSA": "SAU"}

#: alpha-3 -> names used in news text beyond ISO's (short names, codes, capital, seats of power, demonyms)
TABLE: dict[str, tuple[str, ...]] = {
    "USA": ("US", "U.S.", "USA", "United States", "America", "Washington", "White House", "Pentagon",
            "State Department", "American", "Americans"),
    "KOR": ("South Korea", "ROK", "Republic of Korea", "Seoul", "South Korean", "South Koreans", "Blue House"),
    "PRK": ("North Korea", "DPRK", "Pyongyang", "North Korean", "North Koreans"),
    "JPN": ("Japan", "Tokyo", "Japanese"),
    "CHN": ("China", "PRC", "Beijing", "Chinese"),
    "TWN": ("Taiwan", "Taipei", "Taiwanese"),
    "RUS": ("Russia", "Moscow", "Kremlin", "Russian", "Russians"),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom", "London", "British", "Downing Street"),
    "DEU": ("Germany", "Berlin", "German", "Germans"),
    "FRA": ("France", "Paris", "French", "Elysee", "Élysée"),
    "ITA": ("Italy", "Rome", "Italian", "Italians"),
    "ESP": ("Spain", "Madrid", "Spanish"),
    "PRT": ("Portugal", "Lisbon", "Portuguese"),
    "NLD": ("Netherlands", "The Hague", "Dutch"),
    "BEL": ("Belgium", "Belgian"),
    "DNK": ("Denmark", "Copenhagen", "Danish"),
    "NOR": ("Norway", "Oslo", "Norwegian"),
    "SWE": ("Sweden", "Stockholm", "Swedish"),
    "FIN": ("Finland", "Helsinki", "Finnish"),
    "POL": ("Poland", "Warsaw", "Polish"),
    "CZE": ("Czech Republic", "Czechia", "Prague", "Czech"),
    "HUN": ("Hungary", "Budapest", "Hungarian"),
    "ROU": ("Romania", "Bucharest", "Romanian"),
    "BGR": ("Bulgaria", "Sofia", "Bulgarian"),
    "GRC": ("Greece", "Athens", "Greek"),
    "TUR": ("Turkey", "Türkiye", "Ankara", "Turkish"),
    "EST": ("Estonia", "Tallinn", "Estonian"),
    "LVA": ("Latvia", "Riga", "Latvian"),
    "LTU": ("Lithuania", "Vilnius", "Lithuanian"),
    "UKR": ("Ukraine", "Kyiv", "Kiev", "Ukrainian"),
    "CAN": ("Canada", "Ottawa", "Canadian"),
    "MEX": ("Mexico", "Mexico City", "Mexican"),
    "BRA": ("Brazil", "Brasília", "Brasilia", "Brazilian"),
    "AUS": ("Australia", "Canberra", "Australian"),
    "NZL": ("New Zealand", "Wellington", "New Zealander"),
    "PHL": ("Philippines", "Manila", "Filipino", "Philippine"),
    "IND": ("India", "New Delhi", "Indian"),
    "PAK": ("Pakistan", "Islamabad", "Pakistani"),
    "IDN": ("Indonesia", "Jakarta", "Indonesian"),
    "VNM": ("Vietnam", "Viet Nam", "Hanoi", "Vietnamese"),
    "THA": ("Thailand", "Bangkok", "Thai"),
    "SGP": ("Singapore", "Singaporean"),
    "MYS": ("Malaysia", "Kuala Lumpur", "Malaysian"),
    "ISR": ("Israel", "Jerusalem", "Israeli"),
    "SAU": ("Saudi Arabia", "Riyadh", "Saudi"),
    "ARE": ("United Arab Emirates", "UAE", "Abu Dhabi", "Emirati"),
    "QAT": ("Qatar", "Doha", "Qatari"),
    "KWT": ("Kuwait", "Kuwaiti"),
    "BHR": ("Bahrain", "Manama", "Bahraini"),
    "IRN": ("Iran", "Tehran", "Iranian"),
    "IRQ": ("Iraq", "Baghdad", "Iraqi"),
    "EGY": ("Egypt", "Cairo", "Egyptian"),
    "EU": ("EU", "European Union", "Brussels", "European Commission"),
    "NATO": ("NATO", "North Atlantic Treaty Organization", "Atlantic alliance"),
}

_PAREN = re.compile(r"\s*\([^)]*\)")
#: words that name a country's institutions, not another actor ("the Japanese government")
_GENERIC = frozenset(["the", "government", "administration", "cabinet", "state", "leadership", "executive",
                      "federal", "national", "of"])


@lru_cache(maxsize=256)
def country_key(actor_id: str, name: str) -> str | None:
    """The gazetteer key (ISO alpha-3, or EU/NATO) of an actor whose id or name is a country, else None."""
    up = actor_id.upper()
    if up in CODES:
        return CODES[up]
    if up in TABLE:
        return up
    plain = _PAREN.sub("", name).strip()
    core = " ".join(w for w in plain.split() if w.lower() not in _GENERIC)  # "Japanese government" -> "Japanese"
    for candidate in dict.fromkeys((plain, core)):
        for key, names in TABLE.items():
            if candidate and any(candidate.lower() == n.lower() for n in names):
                return key
    country = _iso(up, plain)
    return country.alpha_3 if country is not None else None


def _iso(code: str, name: str) -> Any:
    import pycountry

    try:
        if len(code) == 3 and code.isalpha():
            hit = pycountry.countries.get(alpha_3=code)
            if hit is not None:
                return hit
        if len(code) == 2 and code.isalpha():
            hit = pycountry.countries.get(alpha_2=code)
            if hit is not None:
                return hit
        return pycountry.countries.lookup(name) if name else None
    except LookupError:
        return None


def country_names(actor_id: str, name: str) -> list[str]:
    """Names a source may use for this actor, if it is a country (empty list otherwise)."""
    key = country_key(actor_id, name)
    if key is None:
        return []
    out = list(TABLE.get(key, ()))
    country = _iso(key, "") if len(key) == 3 else None
    if country is not None:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(country, attr, None)
            if v and "," not in v and v not in out:
                out.append(v)
    return out
