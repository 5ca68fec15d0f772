"""Model ``smp`` (KTAB's spatial model of politics) against KTAB's own numbers.

Independent expectations: the final positions KTAB's reference run prints for dummyData_3Dim (issue 4),
KTAB's reference logs (``shared/validation/smp``, parsed when present), and single values read off those
logs (challenge estimates, the first bargain, the chosen bargain).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models import get
from allied.scenario.readers import ktab
from shared_data import SHARED as SHARED_ROOT
from shared_data import need_shared

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = SHARED_ROOT / "validation" / "smp"


def ktab_input(path: Path) -> ForecastInput:
    """ForecastInput of a KTAB CSV (saliences / 100, capability repeated per issue)."""
    t = ktab.read(path.read_text(), str(path))
    ids = [a.id for a in t.actors]
    iss = [i.id for i in t.issues]
    a, d = len(ids), len(iss)
    x, s, c = np.zeros((1, a, d)), np.zeros((1, a, d)), np.zeros((1, a, d))
    for r in t.rows:
        i, k = ids.index(r.actor), iss.index(r.issue)
        x[0, i, k], s[0, i, k], c[0, i, k] = r.position, r.salience / 100.0, t.capability[r.actor]
    return ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(ids), tuple(iss))


@pytest.fixture(scope="module")
def dummy() -> ForecastInput:
    return ktab_input(DATA / "dummyData_3Dim.csv")


@pytest.fixture(scope="module")
def dummy_run(dummy: ForecastInput):
    return get("smp").run(dummy, details=True)


# ---------------------------------------------------------------------------------------------- acceptance

EXPECTED_FINAL = [  # issue 4, from KTAB's reference run of dummyData_3Dim
    (78.56, 31.76, 74.05), (78.56, 31.76, 74.05), (82.45, 90.89, 0.07), (67.12, 50.12, 63.73),
    (78.60, 31.65, 74.11), (79.88, 34.37, 75.16), (78.60, 31.65, 74.11),
]


def test_dummy_3dim_final_positions_and_states(dummy_run) -> None:
    out = dummy_run
    assert out.rounds_run.tolist() == [10]  # 11 states
    assert out.positions.shape == (1, 11, 7, 3)
    np.testing.assert_allclose(out.positions[0, -1], np.array(EXPECTED_FINAL), atol=0.01)


def test_dummy_3dim_log_details(dummy_run) -> None:
    """Single numbers from KTAB's log of turn 0 (20170530_ref-dummyData_3Dim.txt, lines 220-226)."""
    det = dummy_run.extras["details"]
    assert det["target"][0, 0, 0] == 6  # "In turn 0 actor 0 has most advantageous target 6"
    assert round(det["p_win"][0, 0, 0, 6], 4) == 0.7643
    assert round(det["gain_initiator"][0, 0, 0, 6], 4) == 0.0947
    assert round(det["gain_receiver"][0, 0, 0, 6], 4) == -0.1548
    # "0 proposes 0 adopt: 75.610 24.780 71.950" / "0 proposes 6 adopt: 75.610 24.790 71.950"
    np.testing.assert_allclose(det["bargain_init_pos"][0, 0, 0], [75.61, 24.78, 71.95], atol=1e-9)
    np.testing.assert_allclose(det["bargain_rcvr_pos"][0, 0, 0], [75.61, 24.79, 71.95], atol=1e-9)
    # "Chosen bargain ( Deterministic ): 1022" for actor 0: the bargain 4 proposed to 0
    assert det["chosen"][0, 0, 0] == 4 and det["bargain_receiver"][0, 0, 4] == 0
    assert det["target"][0, 3, 5] == -1  # "In turn 3 Actor 5 has no advantageous targets"


def test_perspective_of_another_actor(dummy: ForecastInput) -> None:
    """'Est by 6 of prob 0.7660 that [0> 6], with expected gain to 0 of +0.0925' (and to 6 of -0.1514)."""
    det = get("smp").run(dummy, rounds=1, details=True, perspective="SActor-06").extras["details"]
    assert det["perspective"] == "SActor-06"
    assert round(det["p_win"][0, 0, 0, 6], 4) == 0.7660
    assert round(det["gain_initiator"][0, 0, 0, 6], 4) == 0.0925
    assert round(det["gain_receiver"][0, 0, 0, 6], 4) == -0.1514
    with pytest.raises(ModelError):
        get("smp").run(dummy, rounds=1, details=True, perspective="nobody")


def parse_log(path: Path) -> dict:
    """Positions (1 decimal), fractional changes (4 decimals) and winning probabilities (4 decimals)."""
    text = path.read_text()
    frac = re.findall(r"Fractional change compared to first step: ([0-9.]+)", text)
    hist = text.split("History of actor positions over time:")[1].split("History of actors' winning")[0]
    pos = [ln.split(":", 1)[1].split() for ln in hist.strip().splitlines()]
    probs = [ln.split(":", 1)[1].split() for ln in text.splitlines() if ", prob :" in ln]
    return {"frac": frac, "pos": pos, "prob": probs}


@pytest.mark.parametrize("case", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_reference_logs(case: str) -> None:
    log = need_shared("validation", "smp", f"20170530_ref-{case}.txt")
    ref = parse_log(log)
    out = get("smp").run(ktab_input(SHARED / f"{case}.csv"))
    n_states = out.rounds_run[0] + 1
    a, d = out.positions.shape[2:]
    assert len(ref["frac"]) == n_states - 1
    mine = [f"{v:.4f}" for v in out.extras["fractional_change"][0, 1:n_states]]
    assert mine == ref["frac"]
    pos = out.positions[0, :n_states]
    mine_pos = [[f"{v:.1f}" for v in pos[:, i, k]] for i in range(a) for k in range(d)]
    assert mine_pos == ref["pos"]
    prob = out.extras["position_prob"][0, :n_states]
    assert [[f"{v:.4f}" for v in prob[:, i]] for i in range(a)] == ref["prob"]


def test_older_poslogs_differ_from_2017_behaviour() -> None:
    """The stored China SOE position logs came from an older KTAB (commit 105b0186): documented as different."""
    old = need_shared("validation", "smp", "china_soe_policy_ktab_poslog.csv")
    table = need_shared("validation", "eum", "china_soe_policy.csv")
    rows = [ln.split(",") for ln in table.read_text().splitlines()[1:] if ln.strip()]
    x = np.array([[[float(r[2])]] for r in rows]).reshape(1, -1, 1)
    s = np.array([float(r[3]) for r in rows]).reshape(1, -1, 1) / 100
    c = np.array([float(r[1]) for r in rows]).reshape(1, -1, 1)
    inp = ForecastInput(x, s, c, np.zeros(1), np.full(1, 100.0), tuple(r[0] for r in rows), ("policy",))
    out = get("smp").run(inp)
    ref = {ln.split(",")[0]: [float(v) for v in ln.split(",")[1:]] for ln in old.read_text().splitlines()[1:]}
    usa = list(inp.actors).index("USA")
    assert ref["USA"][1] == 23.9 and round(out.positions[0, 1, usa, 0], 1) != 23.9
    assert out.rounds_run[0] + 1 != len(ref["USA"])


# ---------------------------------------------------------------------------------------------- batching and mapping

def test_batch_holds_converged_samples(dummy: ForecastInput) -> None:
    rng = np.random.default_rng(3)
    x2 = np.concatenate([dummy.x, np.clip(dummy.x + rng.normal(0, 8, dummy.x.shape), 0, 100)])
    inp = ForecastInput(x2, np.repeat(dummy.s, 2, 0), np.repeat(dummy.c, 2, 0), dummy.lo, dummy.hi,
                        dummy.actors, dummy.issues)
    out = get("smp").run(inp)
    assert out.rounds_run[0] == 10 and out.rounds_run[1] != 10
    r = out.positions.shape[1] - 1
    assert r == out.rounds_run.max()
    for b in range(2):
        n = out.rounds_run[b]
        np.testing.assert_array_equal(out.positions[b, n:], np.repeat(out.positions[b, n:n + 1], r - n + 1, 0))
        assert np.isnan(out.extras["fractional_change"][b, n + 1:]).all()
    np.testing.assert_allclose(out.positions[0, -1], np.array(EXPECTED_FINAL), atol=0.01)


def test_rounds_caps_iterations_and_pads(dummy: ForecastInput) -> None:
    out = get("smp").run(dummy, rounds=3)
    assert out.positions.shape[1] == 4 and out.rounds_run.tolist() == [3]
    out = get("smp").run(dummy, rounds=20)
    assert out.positions.shape[1] == 21 and out.rounds_run.tolist() == [10]


def test_issue_scale_mapping_and_forecast(dummy: ForecastInput, dummy_run) -> None:
    lo, hi = np.array([-1.0, 0.0, 10.0]), np.array([1.0, 5.0, 20.0])
    scaled = ForecastInput(lo + dummy.x / 100 * (hi - lo), dummy.s, dummy.c, lo, hi, dummy.actors, dummy.issues)
    out = get("smp").run(scaled)
    np.testing.assert_allclose(out.positions, lo + dummy_run.positions / 100 * (hi - lo), atol=1e-9)
    # forecast = coordinates of the most probable distinct position
    p = dummy_run.extras["position_prob"][0, -1]
    best = int(np.argmax(np.where(dummy_run.extras["distinct"][0, -1], p, -1)))
    np.testing.assert_allclose(dummy_run.forecast[0, -1], dummy_run.positions[0, -1, best])


def test_extras(dummy_run, dummy: ForecastInput) -> None:
    ex = dummy_run.extras
    np.testing.assert_allclose(ex["effective_power"][0, 0], 102.543 * np.array([0.4953, 0.0591, 0.2815]))
    # KTAB's log: "Inferred risk attitudes: -0.500 -0.459 -0.499 -0.274 +1.000 -0.232 -0.430"
    assert [f"{v:+.3f}" for v in ex["risk"][0, 0]] == ["-0.500", "-0.459", "-0.499", "-0.274", "+1.000",
                                                      "-0.232", "-0.430"]
    assert np.isnan(ex["fractional_change"][0, 0])


def test_salience_over_100_is_scaled_with_a_note(dummy: ForecastInput) -> None:
    s = dummy.s.copy()
    s[0, 2] *= 1.5  # actor 2: 96.64% -> 145%
    out = get("smp").run(ForecastInput(dummy.x, s, dummy.c, dummy.lo, dummy.hi, dummy.actors, dummy.issues),
                         rounds=2)
    assert any("SActor-02" in n and "scaled" in n for n in out.notes)
    np.testing.assert_allclose(out.extras["effective_power"][0, 2].sum(), 129.643)


def test_capability_mean_over_issues(dummy: ForecastInput) -> None:
    c = dummy.c.copy()
    c[0, 0] = [50.0, 100.0, 150.0]  # mean 100
    out = get("smp").run(ForecastInput(dummy.x, dummy.s, c, dummy.lo, dummy.hi, dummy.actors, dummy.issues),
                         rounds=1)
    np.testing.assert_allclose(out.extras["effective_power"][0, 0], 100.0 * dummy.s[0, 0])


def test_absent_actor_is_nan_and_bad_inputs(dummy: ForecastInput) -> None:
    present = np.ones((7, 3), dtype=bool)
    present[3, 1] = False
    inp = ForecastInput(dummy.x, dummy.s, dummy.c, dummy.lo, dummy.hi, dummy.actors, dummy.issues, present)
    out = get("smp").run(inp, rounds=2)
    assert np.isnan(out.positions[0, :, 3, 1]).all() and np.isfinite(out.positions[0, :, 3, 0]).all()
    c0 = dummy.c.copy()
    c0[0, 1] = 0.0
    with pytest.raises(ModelError, match=re.escape(f"capability 0: {dummy.actors[1]}. Give")):
        get("smp").run(ForecastInput(dummy.x, dummy.s, c0, dummy.lo, dummy.hi, dummy.actors, dummy.issues))
    s0 = dummy.s.copy()
    s0[0, 2] = 0.0
    with pytest.raises(ModelError, match=re.escape(f"zero salience: {dummy.actors[2]}. Give")):
        get("smp").run(ForecastInput(dummy.x, s0, dummy.c, dummy.lo, dummy.hi, dummy.actors, dummy.issues))
    with pytest.raises(ModelError, match="VotingRule"):
        get("smp").run(dummy, VotingRule="Majority")


def test_numba_and_numpy_kernels_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from allied.models.smp import _numpy as smp_kernel

    rng = np.random.default_rng(45)
    n, d = 45, 2
    x = rng.uniform(0, 100, (2, n, d))
    s = rng.uniform(0.1, 1, (2, n, d))
    s = s / s.sum(-1, keepdims=True) * 0.9
    c = np.repeat(rng.uniform(10, 200, (2, n, 1)), d, axis=2)
    inp = ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(n)), ("p", "q"))
    assert smp_kernel.use_numba(n)
    fast = get("smp").run(inp, rounds=3, details=True)
    monkeypatch.setattr(smp_kernel, "NUMBA_MIN_ACTORS", 10**9)
    slow = get("smp").run(inp, rounds=3, details=True)
    np.testing.assert_allclose(fast.positions, slow.positions, atol=1e-12)
    for key in ("p_win", "gain_initiator", "gain_receiver"):
        np.testing.assert_allclose(fast.extras["details"][key], slow.extras["details"][key], atol=1e-12)


def test_default_run_has_no_detail_tables(dummy: ForecastInput) -> None:
    out = get("smp").run(dummy, rounds=2)
    assert "details" not in out.extras
    assert set(out.extras) == {"position_prob", "distinct", "risk", "effective_power", "fractional_change", "turns"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariants_on_random_scenarios(seed: int) -> None:
    rng = np.random.default_rng(seed)
    b, n, d = 3, 8, 3
    x = rng.uniform(-5, 5, (b, n, d))
    s = rng.uniform(0.05, 1, (b, n, d))
    s = s / s.sum(-1, keepdims=True) * rng.uniform(0.3, 1, (b, n, 1))
    c = np.repeat(rng.uniform(1, 50, (b, n, 1)), d, axis=2)
    inp = ForecastInput(x, s, c, np.full(d, -5.0), np.full(d, 5.0), tuple(f"A{i}" for i in range(n)),
                        ("a", "b", "c"))
    out = get("smp").run(inp)
    ex = out.extras
    total = np.where(ex["distinct"], ex["position_prob"], 0).sum(-1)  # a distribution over distinct positions
    np.testing.assert_allclose(total, 1.0, atol=1e-9)
    assert np.all((ex["risk"] >= -0.5 - 1e-12) & (ex["risk"] <= 1 + 1e-12))  # BigRRange Mid
    assert np.all((out.positions >= -5) & (out.positions <= 5))
    # the forecast is one of the actors' positions in every state
    hit = np.isclose(out.positions, out.forecast[:, :, None, :]).all(-1).any(-1)
    assert hit.all()
    assert np.all((out.rounds_run >= 2) & (out.rounds_run <= 100))  # KTAB: at least 2, at most 100 turns
