"""The built-in cases from public records (sma-2020, us-allies-burden): they validate, every quote is verbatim
from the passage of its source kept under tests/data/sources/, and no outcome is dated on or before as_of."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.scenario import builtin_names, load

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
CASES = ["sma-2020", "us-allies-burden"]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u2018\u2019\u201a\u201b\u2032`]", "'", text)
    text = re.sub("[\u201c\u201d\u201e\u201f\u2033]", '"', text)
    text = re.sub("[\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def passage(case: str, source: str) -> str:
    path = SOURCES / case / f"{source}.txt"
    body = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return normalise(" ".join(body))


def quotes(sc) -> list[tuple[str, str, str]]:
    """(where, source, quote) for every quote in the scenario, panel evidence included."""
    out = []
    for k, x in enumerate([*sc.actors, *sc.issues, *sc.stances]):
        if x.evidence and x.evidence.quote:
            out.append((f"entry {k}", x.evidence.source, x.evidence.quote))
    if sc.alliance is not None:
        for it in sc.alliance.items:
            if it.evidence and it.evidence.quote:
                out.append((it.item, it.evidence.source, it.evidence.quote))
        if isinstance(sc.alliance.panel, list):
            for row in sc.alliance.panel:
                for key, ev in row.evidence_list():
                    if ev.quote:
                        out.append((f"{row.member} {row.year} {key}", ev.source, ev.quote))
    return out


@pytest.mark.parametrize("case", CASES)
def test_case_is_built_in_and_validates(case: str) -> None:
    assert case in builtin_names()
    res = CliRunner().invoke(app, ["validate", case])
    assert res.exit_code == 0, res.output
    assert "ok: " in res.output


@pytest.mark.parametrize("case", CASES)
def test_every_quote_is_verbatim_from_its_source_passage(case: str) -> None:
    sc = load(case)
    found = quotes(sc)
    assert len(found) >= (9 if case == "sma-2020" else 40)
    for where, source, quote in found:
        assert (SOURCES / case / f"{source}.txt").is_file(), f"{where}: no passage for source {source}"
        assert normalise(quote) in passage(case, source), f"{where}: not verbatim in {source}: {quote!r}"


def test_quote_check_can_fail() -> None:
    text = passage("sma-2020", "kbs20191125")
    said = "The South Korean government has argued the current framework of their SMA should be maintained."
    assert normalise(said) in text
    assert normalise(said.replace("their SMA should", "the SMA must")) not in text


def test_every_fixture_passage_names_its_outlet_date_and_url() -> None:
    for path in SOURCES.glob("*/*.txt"):
        head = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
        assert any(re.search(r"\d{4}-\d{2}", ln) for ln in head), path
        assert any("http" in ln for ln in head), path


def _date(x: object) -> dt.date:
    if isinstance(x, dt.date):
        return x
    parts = [int(p) for p in str(x).split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


@pytest.mark.parametrize("case", CASES)  # korea-2019 lists 2019 facts dated before its as_of (see report)
def test_no_outcome_is_dated_on_or_before_as_of(case: str) -> None:
    sc = load(case)
    if sc.as_of is None:
        pytest.skip("no as_of")
    as_of = _date(sc.as_of)
    for oc in sc.outcomes:
        if oc.date is not None:
            assert _date(oc.date) > as_of, f"{case}: outcome {oc.id} dated {oc.date}, on or before as_of {sc.as_of}"


def test_sma2020_evidence_predates_2020_and_outcomes_follow() -> None:
    sc = load("sma-2020")
    dated = {s.id: _date(s.date) for s in sc.sources if s.date is not None}
    used = {x.evidence.source for x in [*sc.actors, *sc.issues, *sc.stances] if x.evidence and x.evidence.source}
    used |= {it.evidence.source for it in sc.alliance.items if it.evidence}
    for src in used - {"analyst"}:
        assert dated[src] < dt.date(2020, 1, 1), f"{src} is dated {dated[src]}, after the case's as_of"
    assert {oc.issue for oc in sc.outcomes if oc.value is not None} >= {"contribution", "term", "troops"}
    amount = next(oc for oc in sc.outcomes if oc.id == "sma11_amount_2021")
    assert amount.value == pytest.approx(1.1833)
    # the outcome's source is quoted in the fixture too
    assert normalise("South Korea will pay 1.183 trillion won") in passage("sma-2020", "xinhua20210310")


def test_sma2020_estimates_carry_ranges_and_notes() -> None:
    sc = load("sma-2020")
    for st in sc.stances:
        assert st.evidence is not None and (st.evidence.quote or st.evidence.note)
        if st.evidence.source == "analyst":
            assert st.evidence.note, f"{st.actor}/{st.issue}: an estimate needs its note"
    # the White House demand and the Seoul position do not overlap: the bargaining gap of December 2019
    wh = next(s for s in sc.stances if s.actor == "USA_WH" and s.issue == "contribution").position
    gov = next(s for s in sc.stances if s.actor == "ROK_GOV" and s.issue == "contribution").position
    assert wh.bounds()[0] > gov.bounds()[1]


@pytest.mark.parametrize(("case", "quotes_at_least"), [("sma-2020", 21), ("us-allies-burden", 59)])
def test_allied_validate_verifies_every_quote_against_the_passages(case: str, quotes_at_least: int) -> None:
    res = CliRunner().invoke(app, ["validate", case, "--source-dir", str(SOURCES)])
    assert res.exit_code == 0, res.output
    m = re.search(r"quotes: (\d+) verified", " ".join(res.output.split()))
    assert m and int(m.group(1)) >= quotes_at_least, res.output


def test_allied_validate_catches_a_changed_quote(tmp_path: Path) -> None:
    from allied.scenario.load import builtin_text

    text = builtin_text("sma-2020").replace("could and should pay more", "could and must pay more")
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "case.yaml"), "--source-dir", str(SOURCES)])
    assert res.exit_code == 2
    assert "misquoted" in res.output


def test_sma2020_bargaining_inputs_and_the_empty_zone() -> None:
    """Principals' walk-away points (weighted over their parts) leave no zone of agreement at the modes:
    by hand, USA 0.6·1.5 + 0.25·1.25 + 0.15·1.1 = 1.3775 (least it accepts) > ROK 0.7·1.2 + 0.3·1.15 = 1.185
    (most it pays); the split of the gap by capability share 52 / (52 + 39) gives 1.2675."""
    from allied.api import forecast

    sc = load("sma-2020")
    assert sc.delegation == {"USA": {"USA_WH": 0.6, "USA_DOD": 0.25, "USA_CONG": 0.15},
                             "ROK": {"ROK_GOV": 0.7, "ROK_NA": 0.3}}
    assert sc.alliance.members == ["USA", "ROK"]
    wh = next(s for s in sc.stances if s.actor == "USA_WH" and s.issue == "contribution")
    assert wh.demand.point() == pytest.approx(5.8)  # the public demand is evidence, not the position
    assert wh.position.point() < wh.demand.point()
    r = {s.actor: s.reservation.point() for s in sc.stances if s.issue == "contribution"}
    usa = 0.6 * r["USA_WH"] + 0.25 * r["USA_DOD"] + 0.15 * r["USA_CONG"]
    rok = 0.7 * r["ROK_GOV"] + 0.3 * r["ROK_NA"]
    assert usa == pytest.approx(1.3775) and rok == pytest.approx(1.185)
    cap = {a.id: a.capability.point() for a in sc.actors}
    c_usa = 0.6 * cap["USA_WH"] + 0.25 * cap["USA_DOD"] + 0.15 * cap["USA_CONG"]
    c_rok = 0.7 * cap["ROK_GOV"] + 0.3 * cap["ROK_NA"]
    by_hand = usa + c_usa / (c_usa + c_rok) * (rok - usa)
    got = forecast(sc, models=["bargain"]).to_json()["models"]["bargain"]["issues"]["contribution"]["forecast"]
    assert got == pytest.approx(by_hand, abs=1e-3)


def test_sma2020_cost_sharing_protocol_zone_opens_only_in_year_four() -> None:
    """By hand: the patron's walk-away 1.38·1.02^t exceeds the client's 1.19·1.07^t until
    t* = ln(1.38/1.19) / ln(1.07/1.02) ≈ 3.1, so no deal starting in year 0 (multi-year, indexed) and,
    of the yearly stopgaps, only year 4's concludes."""
    import math

    res = CliRunner().invoke(app, ["protocol", "sma-2020", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["family"] == "cost-sharing"
    t_star = math.log(1.38 / 1.19) / math.log(1.07 / 1.02)
    assert 3 < t_star < 4
    yearly = data["protocols"]["yearly"]
    assert [step["agreed"] for step in yearly["path"]] == [t > t_star for t in range(5)]
    for name in ("multi-year", "indexed"):
        assert data["protocols"][name]["p_full"] == 0.0
    assert set(yearly["dominated_by"]) == {"multi-year", "indexed"}


def test_sma2020_is_in_the_backtest_library_and_scored_against_both_baselines() -> None:
    from allied.journal.backtest import library_names

    assert "sma-2020" in library_names()
    assert "us-allies-burden" not in library_names()  # a panel, not a forecast: nothing to score
    res = CliRunner().invoke(app, ["backtest", "sma-2020", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.output)["rows"] if r["issue"] == "contribution"]
    by_model = {r["model"]: r for r in rows}
    assert {"mean", "median", "eum", "smp", "exchange", "bargain", "status-quo", "cs-mean"} <= set(by_model)
    actual = 1.1833
    sq_err = abs(1.0389 - actual)  # the status-quo baseline forecasts the 2019 level
    for name, r in by_model.items():
        assert r["actual"] == pytest.approx(actual)
        err = abs(r["forecast"] - actual)
        assert r["abs_error"] == pytest.approx(err, rel=1e-9)
        assert r["err_pct_scale"] == pytest.approx(100 * err / (6.0 - 0.9), rel=1e-9)
        assert r["skill_vs_status_quo"] == pytest.approx(1 - err / sq_err, rel=1e-9), name
    # docs/cases.md reports these: only the bargaining model beats the status quo on the contribution
    assert [m for m, r in by_model.items() if r["skill_vs_status_quo"] > 0 and m != "status-quo"] == ["bargain"]
