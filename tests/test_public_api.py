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
    df = allied.forecast(sc, models=["mean", "median"])
    assert set(df["model"]) == {"mean", "median"} and set(df["issue"]) == {i.id for i in sc.issues}
    assert isinstance(allied.sweep(sc, "mean", 4), pd.DataFrame)
    assert hasattr(allied.ledger(sc), "lines")
    assert "big-deal" in allied.protocol(sc).table.index


def test_forecast_mean_matches_hand_computation() -> None:
    sc = allied.load("korea-2019")
    st = [s for s in sc.stances if s.issue == "sma_term"]
    w = [sc.capability(s) * s.salience.point() if hasattr(s.salience, "point") else 0 for s in st]
    x = [s.position if isinstance(s.position, float) else s.position.point() for s in st]
    expected = sum(a * b for a, b in zip(w, x, strict=True)) / sum(w)
    df = allied.forecast(sc, models=["mean"], issues=["sma_term"])
    assert abs(df["forecast"].iloc[-1] - expected) < 1e-9
