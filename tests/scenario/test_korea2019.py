"""The built-in korea-2019 scenario: the article's facts with verbatim quotes, estimates with ranges."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.scenario import Uncertain, load
from shared_data import need_shared

ARTICLE = ("sources", "allied-approach-to-north-korea-2019.txt")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u2018\u2019\u201a\u201b\u2032`]", "'", text)
    text = re.sub("[\u201c\u201d\u201e\u201f\u2033]", '"', text)
    text = re.sub("[\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def sc():
    return load("korea-2019")


def all_quotes(sc) -> list[str]:
    quotes = [s.evidence.quote for s in sc.stances if s.evidence and s.evidence.quote]
    quotes += [x.evidence.quote for x in [*sc.actors, *sc.issues] if x.evidence and x.evidence.quote]
    if sc.alliance is not None:
        quotes += [it.evidence.quote for it in sc.alliance.items if it.evidence and it.evidence.quote]
    return quotes


def test_every_quote_is_verbatim_from_the_article(sc) -> None:
    article = normalise(need_shared(*ARTICLE).read_text(encoding="utf-8"))
    quotes = all_quotes(sc)
    assert len(quotes) >= 10
    for q in quotes:
        assert normalise(q) in article, f"not verbatim: {q!r}"


def test_quote_check_can_fail() -> None:
    article = normalise("The US does not want to remove sanctions.")
    assert normalise("The US does not want to lift sanctions.") not in article
    assert normalise("The US does not  want to remove sanctions.") in article


def test_required_actors_and_issues(sc) -> None:
    assert {"USA", "ROK", "PRK", "CHN", "JPN", "RUS"} <= {a.id for a in sc.actors}
    need = {"cost_sharing", "sma_term", "sanctions_relief", "deal_structure", "third_summit", "auto_tariffs",
            "indo_pacific_alignment"}
    assert need <= {i.id for i in sc.issues}
    cs = sc.issue("cost_sharing")
    # the next agreement (2020 on), in won; the 2019 deal (1.0389 trillion won) is its status quo
    assert cs.lo <= 1.0389 <= cs.hi and cs.status_quo == 1.0389 and "trillion won" in (cs.units or "")
    assert sc.issue("sma_term").scale == (1.0, 5.0)
    assert sc.issue("auto_tariffs").scale == (0.0, 25.0)


def test_estimates_carry_range_and_note(sc) -> None:
    for st in sc.stances:
        ev = st.evidence
        assert ev is not None, f"{st.actor}/{st.issue} has no evidence"
        if not ev.quote:
            assert ev.note, f"{st.actor}/{st.issue}: an estimate needs a reasoning note"
            assert isinstance(st.position, Uncertain) or st.position in (0.0,), \
                f"{st.actor}/{st.issue}: an estimated position needs a range"
            assert isinstance(st.salience, Uncertain), f"{st.actor}/{st.issue}: estimated salience needs a range"


def test_article_numbers_are_in_the_scenario(sc) -> None:
    items = {it.item: it for it in sc.alliance.items}
    values = {float(it.value) for it in items.values() if not isinstance(it.value, Uncertain)}
    for v in (830, 924, 28500, 27.6, 25, 1, 3):
        assert float(v) in values, v
    assert any(it.contested for it in items.values() if float(it.value) == 27.6)
    troops = next(it for it in items.values() if float(it.value) == 28500)
    assert "misprint" in (troops.evidence.note or "")


def test_outcomes_for_backtesting(sc) -> None:
    text = " ".join(o.description for o in sc.outcomes)
    for frag in ("1.0389 trillion won", "2020–2025", "1.1833 trillion won", "DMZ", "Stockholm", "sanctions relief"):
        assert frag in text, frag
    assert all(o.source for o in sc.outcomes)


def test_show_json_counts() -> None:
    result = CliRunner().invoke(app, ["show", "korea-2019", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["actors"]) >= 6 and len(data["issues"]) >= 7
    quotes = [s["evidence"]["quote"] for s in data["stances"] if "quote" in s.get("evidence", {})]
    assert len(quotes) >= 10


def test_arrays_shape_and_units(sc) -> None:
    inp = sc.forecast_input()
    b, a, d = inp.shape
    assert b == 1 and a == 6 and d == len(sc.issues)
    k = inp.issues.index("cost_sharing")
    usa = inp.actors.index("USA")
    assert inp.x[0, usa, k] == 1.4  # the mode of the US range, in trillion won
    assert 0 < inp.s.max() <= 1.0
    assert not inp.mask[inp.actors.index("PRK"), k]  # North Korea has no stance on cost-sharing
    one = sc.arrays("sanctions_relief", values={"stances.USA.sanctions_relief.position": [0.0, 20.0]})
    assert one.x.shape == one.s.shape == one.c.shape == (2, 6)
    assert list(one.x[:, one.actors.index("USA")]) == [0.0, 20.0]
    cost = sc.arrays("cost_sharing")
    assert cost.actors == ("USA", "ROK", "JPN") and (cost.lo, cost.hi) == (0.9, 3.5)
