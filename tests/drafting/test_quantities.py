"""Quantities in sentences: expected values and units are read off each hand-written sentence."""

from __future__ import annotations

import pytest

from allied.drafting.quantities import extract, number


def got(sentence: str) -> list[tuple[float | None, str]]:
    return [(f.value, f.unit) for f in extract(sentence)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Seoul paid US$924 million last year.", [(924, "US$ million")]),
    ("Seoul paid US$ 924 million last year.", [(924, "US$ million")]),
    ("The deal is worth 1.0389 trillion won.", [(1.0389, "KRW trillion")]),
    ("Washington wants $5bn a year.", [(5, "$ billion")]),
    ("Berlin spent €2.5 billion on the base.", [(2.5, "EUR billion")]),
    ("Tokyo pays 200 billion yen.", [(200, "JPY billion")]),
    ("A 25 per cent tariff.", [(25, "%")]),
    ("Spending rose to 2.1% of GDP.", [(2.1, "%")]),
    ("It rose 0.5 percentage points.", [(0.5, "percentage points")]),
    ("The US keeps 28,500 troops there.", [(28500, "troops")]),
    ("Germany hosts about 35,000 American soldiers.", [(35000, "soldiers")]),
    ("for the period of a year rather than the usual five year span", [(1, "years"), (5, "years")]),
    ("a one-year deal", [(1, "years")]),
    ("a deal for six months", [(6, "months")]),
    ("the third largest buyer of US arms", [(3, "rank")]),
    ("Japan is the third-largest host.", [(3, "rank")]),
    ("The 2012 free trade agreement.", [(2012, "year")]),
    ("Until 2018, South Korea paid.", [(2018, "year")]),
    ("a $4.7-billion deal", [(4.7, "$ billion")]),
    ("spending rose 2.5pc", [(2.5, "%")]),
    ("Washington keeps 28,500 US troops in Korea.", [(28500, "troops")]),
    ("Seoul offered KRW1.03 trillion.", [(1.03, "KRW trillion")]),
])
def test_quantities_with_units(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert got(sentence) == expected


def test_a_year_ago_is_not_a_stated_duration() -> None:
    assert got("Talks began a year ago.") == []


def test_dates_and_names_are_not_counts() -> None:
    assert got("Moon met Trump on 10-11 April 2019 in Washington.") == [(2019, "year")]


def test_malformed_digit_grouping_is_flagged_never_read() -> None:
    found = extract("South Korea contributed US$ 830 million to station 2,8,500 troops in Korea.")
    troops = [f for f in found if f.unit == "troops"]
    assert len(troops) == 1 and troops[0].value is None
    assert troops[0].flag is not None and "2,8,500" in troops[0].flag and "28,500" in troops[0].flag
    assert troops[0].to_json()["value"] is None  # JSON null, never NaN
    assert [f.value for f in found if f.unit == "US$ million"] == [830]


@pytest.mark.parametrize(("raw", "value"), [("28,500", 28500), ("1,000,000", 1e6), ("924", 924), ("27.6", 27.6),
                                            ("1,234.5", 1234.5)])
def test_well_formed_numbers(raw: str, value: float) -> None:
    assert number(raw) == (value, None)


@pytest.mark.parametrize("raw", ["2,8,500", "28,50", "1,0000", "12,34,567"])
def test_malformed_numbers(raw: str) -> None:
    v, flag = number(raw)
    assert v is None and flag is not None


def test_currency_of_issue_units() -> None:
    from allied.drafting.quantities import currency_of

    assert currency_of("US$ million per year") == "US$"
    assert currency_of("JPY billion per year") == "JPY"
    assert currency_of("billion won") == "KRW"
    assert currency_of("% of GDP") is None and currency_of("troops") is None


def test_side_needs_the_issues_currency_and_magnitude() -> None:
    from allied.drafting.mentions import ActorMatcher
    from allied.drafting.rank import issue_kind, suggest_side
    from allied.scenario.model import Issue

    iss = Issue(id="hns", name="Host-nation support", scale=[150, 900], units="JPY billion per year")
    kind, unit = issue_kind(iss)
    m = ActorMatcher([])
    yen = "Japan pays about ¥800 billion a year."
    assert suggest_side(iss, yen, extract(yen), kind, unit, m)["end"] == "high"  # type: ignore[index]
    for other in ("Japan pays about $800 billion a year.", "Japan pays about ¥800 million a year."):
        assert suggest_side(iss, other, extract(other), kind, unit, m) is None


def test_no_side_for_a_negative_sentence() -> None:
    from allied.drafting.mentions import ActorMatcher
    from allied.drafting.rank import issue_kind, suggest_side
    from allied.scenario.model import Issue

    iss = Issue(id="hns", name="Host-nation support", scale=[150, 900], units="JPY billion per year")
    kind, unit = issue_kind(iss)
    text = "Tokyo rejected paying ¥800 billion a year."
    assert suggest_side(iss, text, extract(text), kind, unit, ActorMatcher([])) is None
