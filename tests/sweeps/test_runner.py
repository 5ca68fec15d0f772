"""Chunked sweeps into the run store: layout, chunk/worker invariance, summary, registry."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from allied.scenario.uncertain import Uncertain
from allied.sweeps.inputs import scenario_inputs
from allied.sweeps.runner import run_sweep


def _value(v, name, draws, j):
    if name in draws:
        return draws[name][j]
    return v.point() if isinstance(v, Uncertain) else float(v)


def test_store_layout_and_hand_computed_weighted_mean(korea, tmp_path: Path):
    res = run_sweep(korea, "mean", 40, seed=3, out=tmp_path / "run", workers=1, chunk_size=16)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    for key in ("scenario_hash", "parameters", "seed", "version", "samples", "chunk_size"):
        assert key in meta
    assert meta["seed"] == 3 and meta["scenario"] == "korea-2019"
    parts = sorted(p.name for p in (tmp_path / "run" / "samples").iterdir())
    assert parts == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    df = res.frame()
    assert df["sample"].dtype == np.int64
    assert len(df) == 40 * len(korea.issues)
    assert df.groupby("sample")["issue"].nunique().eq(len(korea.issues)).all()
    # independent check: the c·s-weighted mean of the sampled figures, computed here from the scenario
    draws = scenario_inputs(korea).sample(3, 0, 40).values
    for j in (0, 17, 39):
        for iss in korea.issues:
            num = den = 0.0
            for st in korea.stances:
                if st.issue != iss.id:
                    continue
                base = f"stances.{st.actor}.{st.issue}"
                x = _value(st.position, f"{base}.position", draws, j)
                s = _value(st.salience, f"{base}.salience", draws, j) / 100
                if st.capability is not None:
                    c = _value(st.capability, f"{base}.capability", draws, j)
                else:
                    c = _value(korea.actor(st.actor).capability, f"actors.{st.actor}.capability", draws, j)
                num += c * s * x
                den += c * s
            got = df[(df["sample"] == j) & (df["issue"] == iss.id)]["forecast"].item()
            assert got == pytest.approx(num / den, rel=1e-12)


def test_summary_agrees_with_numpy(korea, tmp_path: Path):
    res = run_sweep(korea, "mean", 300, seed=1, out=tmp_path / "r", workers=1)
    df = res.frame()
    for iss, g in df.groupby("issue"):
        st = res.summary[iss]
        y = g["forecast"].to_numpy()
        assert st["mean"] == pytest.approx(y.mean(), rel=1e-12)
        assert st["sd"] == pytest.approx(y.std(ddof=1), rel=1e-9)
        for q, k in ((5, "p05"), (50, "p50"), (95, "p95")):
            assert st[k] == pytest.approx(np.percentile(y, q), rel=1e-12)
    out = res.to_json()
    assert set(out) >= {"out", "samples_planned", "samples_done", "seconds", "summary"}
    assert out["samples_done"] == 300 and set(out["summary"]["mean"]) == {i.id for i in korea.issues}


def test_same_numbers_whatever_chunk_size_or_worker_count(korea, tmp_path: Path):
    a = run_sweep(korea, "mean", 120, seed=9, out=tmp_path / "a", workers=1, chunk_size=7).frame()
    b = run_sweep(korea, "mean", 120, seed=9, out=tmp_path / "b", workers=2, chunk_size=50).frame()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c = run_sweep(korea, "mean", 120, seed=10, out=tmp_path / "c", workers=1).frame()
    assert not np.array_equal(a["forecast"].to_numpy(), c["forecast"].to_numpy())


def test_duckdb_relation_and_registry(korea, tmp_path: Path, allied_home: Path):
    from allied.sweeps.registry import list_runs

    res = run_sweep(korea, "median", 30, seed=2, out=tmp_path / "m", workers=1)
    rel = res.relation()
    n = rel.aggregate("count(DISTINCT sample)").fetchall()[0][0]
    assert n == 30
    q = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path / 'm' / 'samples' / '*.parquet'}')").fetchall()[0]
    assert q[0] == 30 * len(korea.issues)
    rows = list_runs()
    assert (allied_home / "runs.sqlite").exists()
    assert rows[0]["out"] == str((tmp_path / "m").resolve()) and rows[0]["status"] == "done"
    assert rows[0]["samples_done"] == 30 and rows[0]["model"] == "median"


def test_ledger_engine_sweeps_alliance_items(tmp_path: Path):
    import allied

    sc = allied.load("korea-2019", ["alliance.items.hns_2019.value={low: 900, high: 950}"])
    space = scenario_inputs(sc)
    assert "alliance.items.hns_2019.value" in space.names  # the --set path names the input
    res = run_sweep(sc, "ledger", 20, seed=1, out=tmp_path / "l", workers=1)
    df = res.frame()
    assert df["sample"].nunique() == 20 and "total" in df.columns
    drawn = space.sample(1, 0, 20).values["alliance.items.hns_2019.value"]
    assert drawn.min() >= 900 and drawn.max() <= 950
    # the 2019 cash flow into the US moves one for one with the sampled contribution
    usa = df[df["issue"] == "2019/USA/cash/US$ million"].sort_values("sample")["total"].to_numpy()
    np.testing.assert_allclose(usa - drawn, (usa - drawn)[0], atol=1e-9)
    assert np.ptp(usa) > 10


def test_protocol_engine_sweeps_protocol_parameters(korea, tmp_path: Path):
    space = scenario_inputs(korea)
    assert any(n.startswith("protocol.") for n in space.names)
    res = run_sweep(korea, "protocol", 12, seed=4, out=tmp_path / "p", workers=1, chunk_size=5,
                    params={"protocols": "big-deal,step-by-step"})
    df = res.frame()
    assert set(df["issue"]) == {"big-deal", "step-by-step"} and df["sample"].nunique() == 12
    assert df["p_full"].between(0, 1).all() and (df["max_regret"] <= 1e-6).all()
    # the batch equals the protocol engine solving each sampled parameter vector on its own
    from allied.protocols.api import solve_batch

    d = space.sample(4, 3, 4)
    one = solve_batch({k: v for k, v in d.values.items() if k.startswith("protocol.")}, "big-deal")
    row = df[(df["sample"] == 3) & (df["issue"] == "big-deal")]
    assert row["p_full"].item() == pytest.approx(float(one["p_full"][0]), abs=1e-12)


def test_python_api(tmp_path: Path):
    import allied
    import allied.sweeps  # the package no longer shadows the allied.sweep verb

    stored = allied.sweep("korea-2019", models="mean", samples=25, seed=2, store=tmp_path / "a", workers=1)
    df = stored.frame()
    assert isinstance(df, pd.DataFrame) and df["sample"].nunique() == 25
    assert stored.out is not None and any((stored.out / "samples").glob("part-*.parquet"))
    pd.testing.assert_frame_equal(stored.relation().df(), df, check_exact=True)
    # in memory (store=None): the same samples, nothing left on disk, and a relation over the frame
    mem = allied.sweep("korea-2019", models=["mean"], samples=25, seed=2, workers=1)
    assert mem.out is None and mem.to_json()["out"] is None
    pd.testing.assert_frame_equal(mem.frame(), df, check_exact=True)
    pd.testing.assert_frame_equal(mem.relation().df(), df, check_exact=True)
    with_override = allied.sweep("korea-2019", "mean", 25, seed=2, workers=1,
                                 overrides=["stances.USA.cost_sharing.salience=1"]).frame()
    assert not with_override["forecast"].equals(df["forecast"])
    as_mapping = allied.sweep("korea-2019", "mean", 25, seed=2, workers=1,
                              overrides={"stances.USA.cost_sharing.salience": 1}).frame()
    pd.testing.assert_frame_equal(as_mapping, with_override, check_exact=True)
    only = allied.sweep("korea-2019", "mean", 5, issues=["sma_term"], workers=1).frame()
    assert set(only["issue"]) == {"sma_term"}
    s = allied.sensitivity("korea-2019", models="mean", method="morris", samples=8, issues=["sma_term"]).frame()
    assert set(s["issue"]) == {"sma_term"} and {"input", "rank", "mu_star", "sigma"} <= set(s.columns)
    with pytest.raises(allied.SweepError, match="one model at a time"):
        allied.sweep("korea-2019", models=["mean", "eum"], samples=5)


def test_a_model_drawing_random_numbers_uses_each_samples_own_stream(korea, tmp_path: Path):
    from allied.models.base import run_model
    from allied.models.registry import get

    params = {"ties": "random"}
    two = ["sanctions_relief", "deal_structure"]
    a = run_sweep(korea, "exchange", 3, seed=8, out=tmp_path / "a", workers=1, chunk_size=1, params=params,
                  issues=two, rounds=2).frame()
    b = run_sweep(korea, "exchange", 3, seed=8, out=tmp_path / "b", workers=1, chunk_size=3, params=params,
                  issues=two, rounds=2).frame()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # sample 2 by hand: its uniforms, then the model continues the same stream default_rng([8, 2])
    space = scenario_inputs(korea)
    rng = np.random.default_rng([8, 2])
    vals = space.map(rng.random(len(space))[None, :])
    inp = korea.forecast_input(two, values={k: v for k, v in vals.items() if k.startswith(("actors.", "stances."))})
    out = run_model(get("exchange"), inp, rng=rng, rounds=2, **params)
    np.testing.assert_array_equal(a[a["sample"] == 2]["forecast"].to_numpy(), out.forecast[0, -1, :])
