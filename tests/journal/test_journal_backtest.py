"""The shipped case library, the backtest CLI, and the ensemble's leave-one-case-out weights."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.journal import backtest as B
from allied.journal import score
from allied.models.ensemble import combine, fold_weights, inverse_error

LIBRARY = {"korea-2019", "eu-emissions-1994", "iran-2013", "greece-2015"}


def test_library_is_every_builtin_with_a_scorable_outcome() -> None:
    names = set(B.library_names())
    assert names >= LIBRARY
    from allied.scenario import load

    for n in names:
        sc = load(n)
        assert sc.as_of is not None and all(o.source for o in sc.outcomes)
        assert sc.sources, f"{n} names its provenance"


def test_published_actuals_are_the_outcomes() -> None:
    from allied.scenario import load

    assert load("eu-emissions-1994").outcomes[0].value == 8.833  # BDM 1994 via Scholz et al. 2011
    assert load("iran-2013").outcomes[0].value == 8  # Rouhani's position in the source table


@pytest.fixture(scope="module")
def library() -> B.Backtest:
    return B.run(samples=0)


def test_backtest_cli_prints_every_models_skill_against_both_baselines(monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.cli

    monkeypatch.setattr(allied.cli.console, "width", 250)
    r = CliRunner().invoke(app, ["backtest", "--samples", "16", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "NaN" not in r.output
    data = json.loads(r.output)
    assert {c["scenario"] for c in data["cases"]} >= LIBRARY
    models = {t["model"]: t for t in data["totals"]}
    assert {"mean", "median", "eum", "smp", "exchange", "ensemble", "status-quo", "cs-mean"} <= set(models)
    from allied.models import available

    # every registered model is either scored or named with the reason it is not
    assert set(available()) <= set(models) | set(data["unscored_models"])
    for name, t in models.items():
        assert "skill_vs_status_quo" in t and "skill_vs_cs_mean" in t
        assert t["vs_cs_mean"]["n"] == t["outcomes"], name
    table = CliRunner().invoke(app, ["backtest", "--samples", "8"])
    assert table.exit_code == 0, table.output
    for name in ("mean", "median", "eum", "smp", "exchange", "ensemble"):
        assert name in table.output
    assert "skill vs status quo" in table.output and "skill vs cs-mean" in table.output


def test_ensemble_fold_weights_ignore_the_left_out_outcome(library: B.Backtest) -> None:
    members = ["mean", "median", "eum", "smp", "exchange"]
    rows = [r for r in library.rows if r.model in members]
    cases = sorted({r.case for r in rows})
    assert len(cases) >= 4
    for left in cases:
        before = fold_weights(rows, members, leave_out=left)
        # move only the left-out case's outcomes far away and rescore that case
        case = next(c for c in library.cases if c.name == left)
        moved = [o.model_copy(update={"value": o.value + 123.0}) if o.value is not None else o
                 for o in case.scenario.outcomes]
        sc2 = case.scenario.model_copy(update={"outcomes": moved})
        rescored = [r for r in score(sc2, case.forecasts, case=left) if r.model in members]
        assert rescored and all(a.err_pct_scale != b.err_pct_scale for a, b in
                                zip(rescored, [r for r in rows if r.case == left], strict=False))
        perturbed = [r for r in rows if r.case != left] + rescored
        assert fold_weights(perturbed, members, leave_out=left) == before
        # the check can fail: any other fold does see that case, and its weights move
        other = next(c for c in cases if c != left)
        assert fold_weights(perturbed, members, leave_out=other) != fold_weights(rows, members, leave_out=other)


def test_ensemble_in_backtest_is_scored_out_of_sample(library: B.Backtest) -> None:
    for c in library.cases:
        w = library.ensemble_weights[c.name]
        assert math.isclose(sum(w.values()), 1.0)
        members = [m for m in w]
        expected = fold_weights([r for r in library.rows if r.model in members], members, leave_out=c.name)
        assert w == pytest.approx(expected)
        for iss, f in c.forecasts.models["ensemble"].items():
            # members that forecast the issue (bargain fits bilateral issues only), weights renormalised
            ws = {m: w[m] for m in members if w[m] > 0 and iss in c.forecasts.models[m]}
            assert f.point == pytest.approx(sum(ws[m] * c.forecasts.models[m][iss].point for m in ws) /
                                            sum(ws.values()))


def test_inverse_error_weights_by_hand() -> None:
    # MAE 10 and 30: weights ∝ 1/10, 1/30 → 0.75, 0.25
    assert inverse_error({"a": 10.0, "b": 30.0}) == pytest.approx({"a": 0.75, "b": 0.25})
    assert inverse_error({"a": 0.0, "b": 5.0}) == {"a": 1.0, "b": 0.0}
    assert fold_weights([], ["a", "b"], method="equal") == {"a": 0.5, "b": 0.5}


def test_combination_by_hand() -> None:
    """``Σ w f / Σ w`` over members with weight that forecast the quantity (hand arithmetic)."""
    w = {"a": 0.5, "b": 0.25, "c": 0.25, "z": 0.0}
    # a, b, c: (0.5·10 + 0.25·30 + 0.25·50) / 1 = 25; z has no weight, so its 1000 never counts
    assert combine(w, {"a": 10.0, "b": 30.0, "c": 50.0, "z": 1000.0}) == pytest.approx(25.0)
    # c does not forecast it: the rest renormalised, (0.5·10 + 0.25·40) / 0.75 = 20
    assert combine(w, {"a": 10.0, "b": 40.0}) == pytest.approx(20.0)
    assert combine(w, {"z": 3.0}) is None and combine(w, {}) is None
    assert combine(w, {"a": 10.0, "z": float("nan")}) == 10.0  # a member without weight cannot spoil it
    # draws combined draw by draw: (0.5·[0, 4] + 0.25·[8, 0]) / 0.75
    got = combine(w, {"a": np.array([0.0, 4.0]), "b": np.array([8.0, 0.0])})
    assert got is not None and np.allclose(got, [8 / 3, 8 / 3])


def test_ensemble_runs_in_a_sweep() -> None:
    import allied

    df = allied.sweep("korea-2019", "ensemble", samples=4, workers=1).frame()
    cost = df[df["issue"] == "cost_sharing"]["forecast"]
    assert len(cost) == 4 and cost.between(0.9, 3.5).all()


def test_ensemble_trains_on_the_journal_scorers_errors(library: B.Backtest) -> None:
    """One definition of the error: the library errors the ensemble is fitted on (the models layer's cache,
    which the journal's guidance also scores) equal those of a fresh backtest, which runs the models itself."""
    from allied.models.ensemble._library import member_errors

    members = ["mean", "median", "eum", "smp", "exchange"]
    mine = {(e.case, e.model, e.outcome): e.err_pct_scale for e in member_errors(members)}
    theirs = {(r.case, r.model, r.outcome): r.err_pct_scale for r in library.rows if r.model in members}
    assert mine.keys() == theirs.keys() and len(mine) >= 9 * len(members) - 1
    for k, v in theirs.items():
        assert mine[k] == pytest.approx(v, abs=1e-9), k


def test_ensemble_forecast_of_a_library_case_leaves_it_out() -> None:
    from allied.models import get
    from allied.models.ensemble import library_fit
    from allied.scenario import load

    inp = load("iran-2013").forecast_input()
    out = get("ensemble").run(inp)
    assert out.extras["weights"] == pytest.approx(library_fit(exclude="iran-2013")["weights"])
    assert "iran-2013" not in out.extras["cases"]
    assert any("left out of the fit" in n for n in out.notes)


def test_unknown_ensemble_weights_exit_2() -> None:
    r = CliRunner().invoke(app, ["backtest", "--ensemble-weights", "squared"])
    assert r.exit_code == 2 and "library or equal" in r.output
