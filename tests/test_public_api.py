"""The public Python API: the names DESIGN and the issues promise, usable from a notebook."""

from __future__ import annotations

import importlib

import pandas as pd

import allied


def test_top_level_names_resolve_even_after_subpackage_imports() -> None:
    for sub in ("allied.models.base", "allied.ledgers.api", "allied.sweeps.runner", "allied.protocols.api"):
        importlib.import_module(sub)
    sc = allied.load("korea-2019")
    assert isinstance(sc, allied.Scenario)
    df = allied.forecast(sc, models=["mean", "median"]).frame()
    assert set(df["model"]) == {"mean", "median"} and set(df["issue"]) == {i.id for i in sc.issues}
    assert isinstance(allied.sweep(sc, "mean", 4).frame(), pd.DataFrame)
    assert hasattr(allied.ledger(sc), "lines")
    assert "big-deal" in allied.protocol(sc).table.index


def test_every_verb_returns_a_result_with_frame_and_json() -> None:
    import json

    sc = allied.load("korea-2019")
    results = [allied.forecast(sc, models=["mean"]), allied.protocol(sc), allied.ledger(sc),
               allied.sweep(sc, "mean", 4), allied.sensitivity(sc, "mean", method="morris", samples=4)]
    for res in results:
        assert isinstance(res.frame(), pd.DataFrame) and len(res.frame()) > 0, type(res).__name__
        text = json.dumps(res.to_json(), allow_nan=False)  # strict JSON: no NaN anywhere
        assert text.startswith("{")
    assert list(results[0].frame().columns) == ["model", "issue", "round", "forecast", "mean"]
    assert list(results[1].frame()["protocol"]) == list(results[1].table.index)


def test_dir_lists_only_the_public_names() -> None:
    assert {"Any", "TYPE_CHECKING", "importlib"}.isdisjoint(dir(allied))
    assert {"load", "forecast", "protocol", "ledger", "sweep", "sensitivity", "AlliedError"} <= set(dir(allied))


def test_errors_share_one_root() -> None:
    for kind in (allied.ScenarioError, allied.ModelError, allied.SweepError, allied.ReportError):
        assert issubclass(kind, allied.AlliedError)
    try:
        allied.forecast("korea-2019", models=["nope"])
    except allied.ModelError as exc:
        assert "unknown model 'nope'" in str(exc)
    else:
        raise AssertionError("an unknown model must raise ModelError")


def test_overrides_apply_to_a_loaded_scenario_as_to_a_name() -> None:
    sc = allied.load("korea-2019")
    by_name = allied.forecast("korea-2019", models=["mean"], overrides={"stances.USA.sma_term.position": 5}).frame()
    by_object = allied.forecast(sc, models=["mean"], overrides=["stances.USA.sma_term.position=5"]).frame()
    pd.testing.assert_frame_equal(by_name, by_object)
    assert not by_name.equals(allied.forecast(sc, models=["mean"]).frame())


def test_forecast_mean_matches_hand_computation() -> None:
    sc = allied.load("korea-2019")
    st = [s for s in sc.stances if s.issue == "sma_term"]
    w = [sc.capability(s) * s.salience.point() if hasattr(s.salience, "point") else 0 for s in st]
    x = [s.position if isinstance(s.position, float) else s.position.point() for s in st]
    expected = sum(a * b for a, b in zip(w, x, strict=True)) / sum(w)
    df = allied.forecast(sc, models=["mean"], issues=["sma_term"]).frame()
    assert abs(df["forecast"].iloc[-1] - expected) < 1e-9
