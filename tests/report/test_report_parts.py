"""Data preparation, figure functions and the report's resilience to missing or failing engines."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from report_htmlscan import scan

import allied
from allied.report import build_report, collect, figures, paper
from allied.report import prep as P
from allied.report import prep_engines as E
from allied.report.engines import attempt

# --- prep ----------------------------------------------------------------------------------------


def test_labels_and_shares(korea: allied.Scenario) -> None:
    iss = korea.issue("deal_structure")
    assert P.nearest_label(iss, 88) == "comprehensive big deal up front"
    assert P.nearest_label(iss, 30) == ""  # 20 from 50 and 30 from 0: more than 15 % of the scale
    assert P.end_labels(iss) == ("step-by-step reciprocal", "comprehensive big deal up front")
    cost = korea.issue("cost_sharing")
    assert float(P.share(cost, 1.0389)) == pytest.approx((1.0389 - 0.9) / 2.6 * 100)
    assert P.end_labels(korea.issue("sanctions_relief"))[1] == "all sanctions lifted"


def _fake_run(extras: dict, positions: np.ndarray, actors: tuple, issues: tuple) -> SimpleNamespace:
    out = SimpleNamespace(extras=extras, positions=positions)
    return SimpleNamespace(output=out, input=SimpleNamespace(actors=actors, issues=issues))


def test_smp_probabilities_merge_shared_positions() -> None:
    # turn 0: three distinct positions; turn 1: B joins A, so two outcomes (A's held by A+B)
    pos = np.array([[[[0.0, 1.0], [5.0, 5.0], [9.0, 9.0]],
                     [[0.0, 1.0], [0.0, 1.0], [9.0, 9.0]]]])
    prob = np.array([[[0.2, 0.3, 0.5], [0.7, 0.7, 0.3]]])
    uniq = np.array([[[True, True, True], [True, False, True]]])
    run = _fake_run({"position_prob": prob, "distinct": uniq}, pos, ("A", "B", "C"), ("x", "y"))
    df = P.smp_probabilities(run)
    assert df.groupby("turn")["probability"].sum().tolist() == pytest.approx([1.0, 1.0])
    t1 = df[df.turn == 1].set_index("outcome")
    assert t1.loc["A", "actors"] == "A+B" and t1.loc["A", "probability"] == pytest.approx(0.7)
    assert t1.loc["C", "y"] == 9.0
    assert P.smp_probabilities(_fake_run({}, pos, ("A", "B", "C"), ("x", "y"))).empty


def test_exchange_trades_resolve_names() -> None:
    ex = {"sample": np.array([0, 0, 1]), "round": np.array([1, 2, 1]), "actor_i": np.array([0, 1, 0]),
          "issue_i": np.array([1, 0, 1]), "actor_j": np.array([1, 0, 1]), "issue_j": np.array([0, 1, 0]),
          "from_i": np.array([10.0, 50.0, 1.0]), "to_i": np.array([20.0, 40.0, 2.0]),
          "from_j": np.array([5.0, 3.0, 1.0]), "to_j": np.array([1.0, 4.0, 2.0]), "gain": np.array([2.5, 1.0, 9.0])}
    run = _fake_run({"exchanges": ex, "actors": ("USA", "ROK"), "issues": ("tariffs", "sanctions")},
                    np.zeros((1, 1, 2, 2)), ("USA", "ROK"), ("tariffs", "sanctions"))
    df = P.exchanges_frame(run)
    assert len(df) == 2  # sample 0 only
    trades = P.trades_frame(df)
    assert trades.loc[0, "move_i"] == "USA moves sanctions: 10 → 20"
    assert trades.loc[0, "move_j"] == "ROK moves tariffs: 5 → 1"
    assert trades["pair"].tolist() == ["USA ↔ ROK", "ROK ↔ USA"]
    assert figures.exchanges_fig(trades).data


# --- engine JSON → frames → figures --------------------------------------------------------------
PROTOCOL_JSON = {
    "protocols": {
        "big-deal": {"p_full": 0.3, "p_full_by_type": {"sincere": 0.9, "stalling": 0.05}, "denuclearisation": 0.3,
                     "relief": 0.3, "us_exploitation": 0.02, "nk_exploitation": 0.1, "stages": 1,
                     "values": {"USA": 1.5, "ROK": 0.2, "PRK-sincere": 1.0, "PRK-stalling": 0.1},
                     "max_regret": 0.0, "beliefs": [0.3, 0.8]},
        "step-by-step": {"p_full": 0.5, "p_full_by_type": {"sincere": 0.9, "stalling": 0.3},
                         "denuclearisation": 0.6, "relief": 0.7, "us_exploitation": 0.6, "nk_exploitation": 0.05,
                         "stages": 4, "values": {"USA": 0.4, "ROK": 1.1, "PRK-sincere": 1.2, "PRK-stalling": 0.9},
                         "max_regret": 1e-12, "beliefs": [{"stage": 0, "mu": 0.3}, {"stage": 1, "mu": 0.35}]}},
    "rankings": {"USA": ["big-deal", "step-by-step"], "ROK": ["step-by-step", "big-deal"]},
}
LEDGER_JSON = {
    "lines": [
        {"year": 2019, "item": "hns_2019", "from": "ROK", "to": "USA", "value": 924, "unit": "US$ million",
         "lens": "cash", "viewpoint": "ROK", "effect": "cost", "evidence": {"source": "s", "quote": "q"},
         "contested": None},
        {"year": 2019, "item": "hns_2019", "from": "ROK", "to": "USA", "value": 924, "unit": "US$ million",
         "lens": "cash", "viewpoint": "USA", "effect": "benefit", "evidence": {"source": "s", "quote": "q"},
         "contested": None},
        {"year": 2016, "item": "deficit", "from": "USA", "to": "ROK", "value": 27600, "unit": "US$ million",
         "lens": "transactional", "viewpoint": "USA", "effect": "cost", "contested": "not a cost"}],
    "totals": {"2019": {"ROK": {"cash": {"values": {"US$ million": -924}, "lines": 1, "missing": 0,
                                          "complete": True},
                                "economic": {"values": {}, "lines": 0, "missing": 2, "complete": False}}}},
    "burden": {},
    "tests": {"warning": "2 members: rank tests need at least 8"},
}


def test_protocol_frames() -> None:
    f = E.protocol_frame(PROTOCOL_JSON)
    assert f.set_index("protocol").loc["big-deal", "p_full_stalling"] == 0.05
    assert f.set_index("protocol").loc["step-by-step", "V ROK"] == 1.1
    b = E.beliefs_frame(PROTOCOL_JSON)
    assert b[b.protocol == "step-by-step"]["belief"].tolist() == [0.3, 0.35]
    assert E.rankings(PROTOCOL_JSON)["ROK"][0] == "step-by-step"
    assert figures.protocol_values_fig(f).data and figures.beliefs_fig(b).data


def test_ledger_frames() -> None:
    lines = E.ledger_lines(LEDGER_JSON)
    assert lines.loc[0, "quote"] == "q"
    money = E.money_lines(lines)
    assert sorted(money["amount"].tolist()) == [-27600, -924, 924]
    assert E.ledger_warnings(LEDGER_JSON) == ["2 members: rank tests need at least 8"]
    tot = E.ledger_totals(LEDGER_JSON)
    assert tot.loc[0, "total"] == -924 and tot.loc[0, "viewpoint"] == "ROK" and tot.loc[0, "unit"] == "US$ million"
    assert np.isnan(tot.loc[1, "total"]) and tot.loc[1, "missing"] == 2
    mat = E.totals_matrix(tot)
    assert mat.set_index("lens").loc["cash", "2019"] == "-924 US$ million"
    assert mat.set_index("lens").loc["economic", "2019"] == "2 missing"
    assert E.totals_matrix(tot, show_missing=False).set_index("lens").loc["economic", "2019"] == "–"
    assert figures.ledger_fig(money).data


def test_sweep_and_indices_frames(korea: allied.Scenario) -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"model": "mean", "issue": "cost_sharing", "sample": np.arange(200),
                       "forecast": rng.uniform(850, 950, 200)})
    s = E.sweep_summary(df)
    assert s.loc[0, "p05"] < s.loc[0, "p50"] < s.loc[0, "p95"] and s.loc[0, "samples"] == 200
    assert figures.distribution_fig(korea, df).data
    sj = {"issues": {"cost_sharing": {"indices": {f"in{k}": {"S1": k / 20, "S1_conf": 0.01, "ST": k / 10,
                                                              "ST_conf": 0.02} for k in range(12)}}}}
    idx = E.indices_frame(sj, "cost_sharing")
    assert len(idx) == 10 and idx.loc[0, "input"] == "in11"
    assert E.input_label("stances.USA.cost_sharing.position", "cost_sharing") == "USA position"
    assert E.input_label("stances.USA.sma_term.salience", "cost_sharing") == "USA sma_term salience"
    assert E.input_label("actors.CHN.capability") == "CHN capability"
    assert E.input_label("protocol.rho") == "protocol.rho"
    assert E.indices_frame(sj, "other").empty
    assert figures.tornado_fig(idx, "t").data


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_paper_figures_from_frames(fmt: str, korea: allied.Scenario) -> None:
    sj = {"issues": {"x": {"indices": {"stances.USA.x.position": {"S1": 0.5, "S1_conf": 0.1, "ST": 0.6,
                                                                   "ST_conf": 0.1}}}}}
    figs = [paper.protocol_comparison(E.protocol_frame(PROTOCOL_JSON)),
            paper.ledger(E.money_lines(E.ledger_lines(LEDGER_JSON))),
            paper.tornado(E.indices_frame(sj, "x"), "x: US$ drivers")]
    for fig in figs:
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt)
        assert buf.tell() > 1000


# --- resilience ----------------------------------------------------------------------------------
def test_attempt_turns_failures_into_reasons() -> None:
    def boom() -> None:
        raise RuntimeError("kaboom\nsecond line")

    assert attempt(boom).error == "RuntimeError: kaboom"
    assert attempt(lambda: __import__("nowhere")).error == "ModuleNotFoundError: No module named 'nowhere'"
    assert attempt(lambda: None).error == "the engine returned nothing"
    three = attempt(lambda: 3)
    assert three.ok and three.value == 3 and three.error is None and three.seconds >= 0.0


def test_failing_engines_give_boxes_not_errors(korea: allied.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.models.runner as runner
    import allied.report.engines as C

    real = runner.run_forecasts

    def flaky(inp, models, **kw):  # type: ignore[no-untyped-def]
        if list(models) == ["median"]:
            raise ZeroDivisionError("median broke")
        return real(inp, models, **kw)

    def broken(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(runner, "run_forecasts", flaky)
    monkeypatch.setattr(C, "_protocol_json", broken)
    monkeypatch.setattr(C, "_ledger_json", broken)
    res = collect(korea, samples=0)
    html = build_report(korea, results=res)
    s = scan(html)
    boxes = " ".join(s.unavailable)
    assert "[forecast] Model median not available: ZeroDivisionError: median broke" in boxes
    assert "[protocol] Protocol engine not available: RuntimeError: engine exploded" in boxes
    assert "[ledger] Ledger engine not available: RuntimeError: engine exploded" in boxes
    assert "[sensitivity] Sweep not available: skipped (--samples 0)" in boxes
    assert "median" not in res.runs and "mean" in res.runs


def test_a_bare_one_issue_table_still_reports(tmp_path: Path) -> None:
    path = tmp_path / "budget.csv"
    path.write_text("actor,capability,position,salience\nA,100,10,80\nB,60,70,50\nC,30,40,90\n")
    sc = allied.load(path)
    html = build_report(sc, samples=0)
    s = scan(html)
    for sid in ("evidence", "forecast", "protocol", "ledger", "sensitivity", "outcomes"):
        assert sid in s.sections
    boxes = " ".join(s.unavailable)
    assert "[outcomes] Outcomes not available: the scenario records none" in boxes
    assert "[ledger] Ledger engine not available: the scenario has no alliance: section" in boxes
    assert "[protocol] Protocol engine not available: the scenario has no protocol: section" in boxes
    assert any(p["data-engine"] == "forecast" for p in s.plots)


def test_a_section_that_fails_to_draw_still_appears(korea: allied.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.report.build as B
    from allied.report import sections

    def bad_evidence(res, page):  # type: ignore[no-untyped-def]
        page.figure(figures.tornado_fig(pd.DataFrame({"input": ["a"], "S1": [0.1], "S1_conf": [0.0], "ST": [0.2],
                                                      "ST_conf": [0.0]}), "t"), "x")
        raise KeyError("boom")

    def no_forecasts(sc, seed):  # type: ignore[no-untyped-def]
        raise RuntimeError("the forecast input could not be built")

    monkeypatch.setattr(sections, "evidence", bad_evidence)
    monkeypatch.setattr(B, "collect_forecasts", no_forecasts)
    html = build_report(korea, samples=0)
    s = scan(html)
    boxes = " ".join(s.unavailable)
    assert "[evidence] Evidence not available: could not be drawn (KeyError: 'boom')" in boxes
    assert "[forecast] Forecast engine not available: RuntimeError: the forecast input could not be built" in boxes
    # the failed section's figure was dropped: every figure div has its JSON and vice versa
    assert len(s.plots) == html.count('<script type="application/json"')


def test_first_choices_over_a_protocol_sweep() -> None:
    # sample 0: USA big-deal (5 > 1), ROK small (4 > 2); sample 1: both big (3 > 2, 6 > 1); sample 2: a tie for
    # USA (2 = 2) goes to the protocol listed first (big-deal), ROK small
    df = pd.DataFrame({"sample": [0, 0, 1, 1, 2, 2], "issue": ["big-deal", "small-deal"] * 3,
                       "V_USA": [5, 1, 3, 2, 2, 2], "V_ROK": [2, 4, 6, 1, 0, 1]})
    ch = E.first_choices(df, ["USA", "ROK", "PRK-stalling"])
    assert ch["USA"].tolist() == ["big-deal", "big-deal", "big-deal"]
    assert ch["ROK"].tolist() == ["small-deal", "big-deal", "small-deal"]
    assert "PRK-stalling" not in ch
    sh = E.first_choice_shares(ch).set_index(["player", "protocol"])["share"]
    assert sh["USA", "big-deal"] == 1.0
    assert sh["ROK", "small-deal"] == pytest.approx(2 / 3)
    assert figures.first_choice_fig(E.first_choice_shares(ch), ["big-deal", "small-deal"]).data
