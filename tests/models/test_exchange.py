"""Exchange model against the decide-exchange-model package's own outputs and its worked example."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.arrays import ForecastInput
from allied.models.exchange import ExchangeModel
from allied.scenario.readers.exchange import read_tsv
from shared_data import need_shared

DATA = Path(__file__).resolve().parents[1] / "data"
MODEL = ExchangeModel()


def table_input(text: str, name: str) -> ForecastInput:
    """ForecastInput straight from the package's file (salience back on 0-1, as the package uses it)."""
    t = read_tsv(text, name)
    actors = [a.id for a in t.actors]
    issues = [i.id for i in t.issues]
    x = np.zeros((1, len(actors), len(issues)))
    s, c = x.copy(), x.copy()
    present = np.zeros((len(actors), len(issues)), dtype=bool)
    for r in t.rows:
        a, d = actors.index(r.actor), issues.index(r.issue)
        x[0, a, d], s[0, a, d], c[0, a, d] = r.position, r.salience / 100.0, r.capability
        present[a, d] = True
    lo = np.array([i.lo for i in t.issues])
    hi = np.array([i.hi for i in t.issues])
    return ForecastInput(x, s, c, lo, hi, tuple(actors), tuple(issues), present)


def expected(path: Path) -> list[tuple[int, str, float, float, int]]:
    with path.open() as fh:
        return [(int(r["round"]), r["issue"], float(r["preference_mds"]), float(r["voting_mds"]),
                 int(r["n_exchanges_realised"]))
                for r in csv.DictReader(fh) if r["variant"] == "deterministic_no_random_ties"]


def check_case(inp: ForecastInput, rows: list[tuple[int, str, float, float, int]], **params: object) -> None:
    out = MODEL.run(inp, rounds=10, **params)
    for rnd, issue, pref, vote, n in rows:
        d = inp.issues.index(issue)
        tol = 1e-6 * (inp.hi[d] - inp.lo[d])
        # the package's round k is our round k + 1; its preference MDS of round k is our mean after k rounds
        assert out.forecast[0, rnd + 1, d] == pytest.approx(vote, abs=tol), (rnd, issue)
        assert out.mean[0, rnd, d] == pytest.approx(pref, abs=tol), (rnd, issue)
        assert out.extras["n_exchanges"][0, rnd + 1] == n, (rnd, issue)


def test_sample_data_every_round_decimal() -> None:
    """Transcribed Decide tutorial case (tests/data/README.md): all 10 rounds, 60 rows."""
    inp = table_input((DATA / "sample_data_exchange.txt").read_text(), "sample_data.txt")
    check_case(inp, expected(DATA / "sample_data_exchange_expected.csv"), arithmetic="decimal")


def test_round_zero_is_input() -> None:
    inp = table_input((DATA / "sample_data_exchange.txt").read_text(), "sample_data.txt")
    out = MODEL.run(inp, rounds=1)
    d = inp.issues.index("tol-hoogte")
    assert out.forecast[0, 0, d] == pytest.approx(2.270992, abs=1e-6)  # spec: round-0 MDS on its 0.5-7 scale
    np.testing.assert_allclose(out.forecast[0, 0], out.mean[0, 0])
    np.testing.assert_allclose(out.positions[0, 0], inp.x[0])


@pytest.mark.parametrize("case", ["sample_data", "copenhagen", "cop21"])
def test_shared_cases_every_round_decimal(case: str) -> None:
    shared = need_shared("validation", "exchange")
    inp = table_input((shared / f"{case}_input.txt").read_text(), f"{case}_input.txt")
    check_case(inp, expected(shared / f"{case}_expected.csv"), arithmetic="decimal")


def rex_input() -> ForecastInput:
    """decide/tests/test_rex.py: two actors, two issues, salience 10/90 and 60/50 (here / 100)."""
    x = np.array([[[0.0, 0.0], [100.0, 100.0]]])
    s = np.array([[[0.10, 0.90], [0.60, 0.50]]])
    c = np.ones_like(x)
    return ForecastInput(x, s, c, np.zeros(2), np.full(2, 100.0), ("Actor-1", "Actor-2"), ("Issue-1", "Issue-2"))


@pytest.mark.parametrize("arithmetic", ["float", "decimal"])
def test_package_worked_example(arithmetic: str) -> None:
    out = MODEL.run(rex_input(), rounds=1, arithmetic=arithmetic)
    # expected outcomes (the package's NBS): 85 5/7 and 35 5/7
    np.testing.assert_allclose(out.forecast[0, 0], [85 + 5 / 7, 35 + 5 / 7], atol=1e-12)
    ex = out.extras["exchanges"]
    assert len(ex["round"]) == 1
    # Actor-2 (higher s_1/s_2) supplies on Issue-2, Actor-1 on Issue-1
    assert (ex["actor_i"][0], ex["issue_i"][0], ex["actor_j"][0], ex["issue_j"][0]) == (1, 1, 0, 0)
    # a full move of Actor-1 on Issue-1 shifts the outcome to 100 (by 100/7): with the package's
    # saliences x 100 that is a loss of 1000/7 for Actor-1 and a gain of 6000/7 for Actor-2 ...
    shift_1 = ex["outcome_j_after"][0] - ex["outcome_j_before"][0]
    assert shift_1 == pytest.approx(100 / 7)
    assert shift_1 * 10 == pytest.approx(1000 / 7) and shift_1 * 60 == pytest.approx(6000 / 7)
    # ... and a full move of Actor-2 on Issue-2 (outcome 35 5/7 -> 0) would give Actor-1 22500/7
    full_2 = (35 + 5 / 7) * 90
    assert full_2 == pytest.approx(22500 / 7)
    # equal gain: Actor-2 moves 20 (outcome -50/7), both gain 500 in the package's units (5 here)
    assert ex["to_i"][0] == pytest.approx(80.0) and ex["to_j"][0] == pytest.approx(100.0)
    assert ex["gain"][0] == pytest.approx(5.0)
    np.testing.assert_allclose(out.forecast[0, 1], [100.0, 80 * 50 / 140], atol=1e-12)
    # preferences move by w = 0.4 (1 - s) + 0.1 towards the votes
    np.testing.assert_allclose(out.positions[0, 1], [[46.0, 0.0], [100.0, 94.0]], atol=1e-12)
    # the traders' gains are equal: 5 = s_demand * shift_demand - s_supply * shift_supply for each
    gi = 0.6 * shift_1 - 0.5 * (ex["outcome_i_before"][0] - ex["outcome_i_after"][0])
    gj = 0.9 * (ex["outcome_i_before"][0] - ex["outcome_i_after"][0]) - 0.1 * shift_1
    assert gi == pytest.approx(5.0) and gj == pytest.approx(5.0)


def random_case(seed: int, b: int = 2, a: int = 8, d: int = 4) -> ForecastInput:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (b, a, d))
    s = rng.uniform(0.1, 1.0, (b, a, d))
    c = rng.uniform(0.2, 1.0, (b, a, d))
    present = rng.uniform(size=(a, d)) > 0.15
    return ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(a)),
                         tuple(f"I{k}" for k in range(d)), present)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_float_kernel_equals_decimal_on_generic_inputs(seed: int) -> None:
    """The float kernel and the decimal implementation agree when the decimal one reads the package's
    knife-edge distances (about 1e-26) as zero, as the float kernel does."""
    from allied.models.exchange import from_internal
    from allied.models.exchange._decimal import run_exact

    inp = random_case(seed)
    f = MODEL.run(inp, rounds=4, arithmetic="float")
    prefs, votes, *_ = run_exact(inp.x, inp.lo, inp.hi, inp.s, inp.c, inp.mask, 4, knife_edge=False)
    np.testing.assert_allclose(f.positions, np.where(inp.mask, from_internal(prefs, inp.lo, inp.hi), np.nan),
                               atol=1e-7)
    np.testing.assert_allclose(f.extras["voting_positions"], from_internal(votes, inp.lo, inp.hi), atol=1e-7)


def test_absent_actors_and_invariants() -> None:
    inp = random_case(5, b=3)
    out = MODEL.run(inp, rounds=3)
    assert np.all(np.isnan(out.positions[:, :, ~inp.mask]))
    assert np.all(np.isfinite(out.positions[:, :, inp.mask]))
    v = out.extras["voting_positions"]
    assert np.nanmin(v) >= 0 and np.nanmax(v) <= 100
    ex = out.extras["exchanges"]
    assert np.all(ex["gain"] > 0)
    # every exchange moves both suppliers towards their partners' side of the outcome
    assert np.all(out.extras["n_exchanges_issue"].sum(axis=2) == 2 * out.extras["n_exchanges"])
    ext = out.extras["externalities"]
    assert ext.shape == (len(ex["round"]), inp.shape[1])


def test_random_ties_uses_rng_and_is_reproducible() -> None:
    inp = table_input((DATA / "sample_data_exchange.txt").read_text(), "sample_data.txt")
    runs = [MODEL.run(inp, rounds=3, rng=np.random.default_rng(k), ties="random").forecast for k in (1, 1, 2, 3, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert any(not np.allclose(runs[0], r) for r in runs[2:])


def test_bad_parameters() -> None:
    from allied.errors import ModelError

    with pytest.raises(ModelError, match="ties"):
        MODEL.run(rex_input(), ties="sometimes")
    with pytest.raises(ModelError, match="arithmetic"):
        MODEL.run(rex_input(), arithmetic="quad")


def test_one_issue_moves_nothing() -> None:
    out = MODEL.run(rex_input().issue(0), rounds=3)
    np.testing.assert_allclose(out.forecast[0, :, 0], 85 + 5 / 7)
    assert out.extras["n_exchanges"].sum() == 0 and any("one issue" in n for n in out.notes)


def test_random_rate_p0_is_equal_gain_and_p1_varies() -> None:
    inp = table_input((DATA / "sample_data_exchange.txt").read_text(), "sample_data.txt")
    eq = MODEL.run(inp, rounds=2, arithmetic="decimal")
    r0 = MODEL.run(inp, rounds=2, variant="random-rate", p=0.0, repetitions=2, rng=np.random.default_rng(3))
    np.testing.assert_allclose(r0.forecast, eq.forecast, atol=1e-12)
    np.testing.assert_allclose(r0.extras["n_exchanges"], eq.extras["n_exchanges"])
    r1 = MODEL.run(inp, rounds=2, variant="random-rate", p=1.0, repetitions=2, rng=np.random.default_rng(3))
    r2 = MODEL.run(inp, rounds=2, variant="random-rate", p=1.0, repetitions=2, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(r1.forecast, r2.forecast)
    assert not np.allclose(r1.forecast[0, 1:], eq.forecast[0, 1:])
    assert np.all((r1.forecast >= inp.lo - 1e-9) & (r1.forecast <= inp.hi + 1e-9))


def test_ahead_of_time_build_equals_jit() -> None:
    """When an ahead-of-time kernel was built (benchmarks build it), it must give the JIT's bits."""
    from allied.models.exchange import _aot as exchange_aot
    from allied.models.exchange import to_internal
    from allied.models.exchange._numba import run_batch

    mod = exchange_aot.load()
    if mod is None:
        pytest.skip("no ahead-of-time exchange kernel built (python -m allied.models.exchange._aot)")
    inp = random_case(9)
    x = np.ascontiguousarray(np.where(inp.mask, to_internal(inp.x, inp.lo, inp.hi), np.nan))
    s = np.ascontiguousarray(np.where(inp.mask, inp.s, 0.0))
    c = np.ascontiguousarray(np.where(inp.mask, inp.c, 0.0))
    m = np.ascontiguousarray(inp.mask)
    for a, b in zip(mod.run_batch(x, s, c, m, 3, False, 0), run_batch(x, s, c, m, 3, False, 0), strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), a=st.integers(3, 9), d=st.integers(2, 5))
def test_equal_gain_and_direction_invariants(seed: int, a: int, d: int) -> None:
    """Every realised exchange: both traders gain the same positive amount from the two outcome shifts, each
    supplier moves towards its partner and stays inside the scale."""
    inp = random_case(seed, b=1, a=a, d=d)
    out = MODEL.run(inp, rounds=3)
    ex = out.extras["exchanges"]
    if len(ex["round"]) == 0:
        return
    np.testing.assert_allclose(ex["gain_i"], ex["gain"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ex["gain_j"], ex["gain"], rtol=1e-6, atol=1e-9)
    assert np.all(ex["gain"] > 0)
    for k in range(len(ex["round"])):
        rnd = ex["round"][k]
        ai, di, aj, dj = ex["actor_i"][k], ex["issue_i"][k], ex["actor_j"][k], ex["issue_j"][k]
        # i moves on its supply issue towards j's preference there, and vice versa (never past it)
        target_i = out.positions[0, rnd - 1, aj, di]
        target_j = out.positions[0, rnd - 1, ai, dj]
        assert abs(ex["to_i"][k] - target_i) <= abs(ex["from_i"][k] - target_i) + 1e-9
        assert abs(ex["to_j"][k] - target_j) <= abs(ex["from_j"][k] - target_j) + 1e-9


@pytest.mark.parametrize("arithmetic", ["float", "decimal"])
def test_zero_salience_or_capability_takes_no_part(arithmetic: str) -> None:
    inp = random_case(11, b=1, a=6, d=3)
    s = inp.s.copy()
    c = inp.c.copy()
    s[0, 0, :] = 0.0  # actor 0 cares about nothing
    c[0, 1, 1] = 0.0  # actor 1 has no weight on issue 1
    zero = ForecastInput(inp.x, s, c, inp.lo, inp.hi, inp.actors, inp.issues, inp.present)
    out = MODEL.run(zero, rounds=3, arithmetic=arithmetic)
    ex = out.extras["exchanges"]
    assert 0 not in set(ex["actor_i"]) | set(ex["actor_j"])
    involved_1 = (ex["actor_i"] == 1) & (ex["issue_i"] == 1) | (ex["actor_j"] == 1) & (ex["issue_j"] == 1)
    assert not involved_1.any()
    assert np.all(np.isfinite(out.forecast))


def test_default_forecast_reproduces_the_package_run() -> None:
    """What an analyst runs (`allied forecast sample_data.txt --model exchange`) is the package's run."""
    import allied

    path = DATA / "sample_data_exchange.txt"
    sc = allied.load(path)
    df = allied.forecast(sc, models=["exchange"]).frame()
    for rnd, issue, _, vote, _ in expected(DATA / "sample_data_exchange_expected.csv"):
        got = df[(df["issue"] == issue) & (df["round"] == rnd + 1)]["forecast"].item()
        tol = 1e-6 * (sc.issue(issue).hi - sc.issue(issue).lo)
        assert abs(got - vote) <= tol, (rnd, issue, got, vote)


def test_sweeps_use_the_exact_decisions_by_default() -> None:
    """A sweep of the exchange model is a sweep of the package's model (issue 19): the exact path, unless
    the user asks for float."""
    from allied.sweeps.engines import ForecastEngine

    assert MODEL.resolve(ForecastEngine("exchange").params)["arithmetic"] == "exact"
    assert ForecastEngine("exchange", params={"arithmetic": "float"}).params["arithmetic"] == "float"
