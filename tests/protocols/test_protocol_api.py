"""The protocol section, the Python API (DataFrames, batch kernel, Monte Carlo) and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

import allied.protocols as P
from allied.scenario.sections.protocol import ProtocolSection, defaults
from allied.scenario.uncertain import Uncertain


def test_section_defaults_are_documented_ranges() -> None:
    sec = ProtocolSection()
    table = defaults()
    assert [r["parameter"] for r in table] == list(P.PARAM_NAMES)
    assert all(r["meaning"] and r["reasoning"] for r in table)
    inputs = dict(P.protocol_inputs(sec))
    assert "protocol.alpha.T" in inputs and "protocol.tension.K" in inputs
    assert all(isinstance(u, Uncertain) for u in inputs.values())
    assert P.point_vector(sec)[P.PARAM_NAMES.index("divergence")] == 0.4
    frame = P.parameter_table(sec)
    assert frame.loc["rho", "value"] == 0.7 and frame.loc["rho", "low"] == 0.5


def test_section_accepts_numbers_ranges_and_user_protocols() -> None:
    sec = ProtocolSection.model_validate({
        "mu0": 0.5, "divergence": {"low": 0.1, "high": 0.9}, "alpha": {"S": 0.2, "T": {"mean": 1, "sd": 0.1}},
        "protocols": {"freeze-first": [[0.2, 0.1, "N-first"], {"dd": 0.8, "dr": 0.9, "order": "simultaneous"}]},
    })
    assert [p for p, _ in P.protocol_inputs(sec)].count("protocol.divergence") == 1
    assert "protocol.mu0" not in dict(P.protocol_inputs(sec))
    res = P.compare(sec, ["freeze-first", "big-deal"])
    assert list(res.table.index) == ["freeze-first", "big-deal"]


@pytest.mark.parametrize("bad, words", [
    ({"rho": 1.5}, "rho must lie in"),
    ({"mu0": 0.0}, "mu0 must lie in"),
    ({"delta": 1.0}, "delta must lie in"),
    ({"divergence": {"low": 0.2, "high": 1.4}}, "divergence must lie in"),
    ({"divergence": float("nan")}, "divergence must be a finite number"),  # NaN compares false with bounds
    ({"rho": {"low": float("nan"), "high": 0.5}}, "rho must be a finite number"),
    ({"alpha": {"S": float("inf"), "T": 1.0}}, "alpha.S must be a finite number"),  # its upper bound is inf
    ({"unknown": 1}, "Extra inputs"),
    ({"alpha": {"S": 1}}, "Field required"),
    ({"protocols": {"big-deal": [[1, 1, "N-first"]]}}, "preset name"),
    ({"protocols": {"x": [[0.6, 0.5, "N-first"], [0.6, 0.5, "N-first"]]}}, "add up to"),
    ({"protocols": {"x": [[0.6, 0.5, "sideways"]]}}, "N-first"),
    ({"protocols": {"x": [[0.6, 0.5]]}}, "[dd, dr, order]"),
    ({"compare": ["nope"]}, "unknown protocols"),
])
def test_section_rejects_bad_values_with_a_reason(bad: dict, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ProtocolSection.model_validate(bad)
    assert words in str(exc.value)


def test_batch_kernel_matches_single_solves_and_slices() -> None:
    rng = np.random.default_rng(3)
    draws = {p: u.sample(rng, 200) for p, u in P.protocol_inputs()}
    batch = P.solve_batch(draws, "starting-small")
    assert set(P.OUT_NAMES) <= set(batch) and all(v.shape == (200,) for v in batch.values())
    for i in (0, 17, 199):
        one = P.solve_batch({k: v[i:i + 1] for k, v in draws.items()}, "starting-small")
        for k in P.OUT_NAMES:
            assert one[k][0] == batch[k][i]
    # the deterministic comparison is the batch at the point values
    point = P.solve_batch({}, "step-by-step")
    assert point["V_USA"][0] == P.compare(protocols=["step-by-step"]).table.loc["step-by-step", "V_USA"]
    # names with or without the section prefix
    a = P.solve_batch({"protocol.divergence": [0.0, 1.0]}, "step-by-step")
    b = P.solve_batch({"divergence": [0.0, 1.0]}, "step-by-step")
    assert np.array_equal(a["V_PRK_stalling"], b["V_PRK_stalling"])


def test_batch_rejects_out_of_range_draws() -> None:
    from allied.errors import ModelError

    with pytest.raises(ModelError, match="must lie in"):
        P.solve_batch({"rho": [0.5, 1.2]}, "big-deal")
    with pytest.raises(ModelError, match="not a protocol parameter"):
        P.solve_batch({"rhoo": [0.5]}, "big-deal")


@pytest.mark.parametrize("name", ["starting-small", "step-by-step", "small-then-big"])
def test_monte_carlo_agrees_with_the_equilibrium_path(name: str) -> None:
    row = P.compare(protocols=[name]).table.loc[name]
    sims = P.simulate(protocol=name, n=40_000, seed=1)
    se = 4 * np.sqrt(0.25 / len(sims))
    assert (sims["end"].isin(["deal"])).mean() == pytest.approx(row["p_full"], abs=se)
    assert sims["us_exploited"].mean() == pytest.approx(row["us_exploitation"], abs=se)
    assert sims["nk_exploited"].mean() == pytest.approx(row["nk_exploitation"], abs=se)
    assert sims["d_final"].mean() == pytest.approx(row["denuclearisation"], abs=se)
    assert sims["r_final"].mean() == pytest.approx(row["relief"], abs=se)
    assert sims["stages_completed"].mean() == pytest.approx(row["stages"], abs=4 * se)


def test_monte_carlo_with_mixed_actions_matches_the_two_stage_oracle() -> None:
    from protocol_cases import TWO_STAGE

    sims = P.simulate(TWO_STAGE, "two", n=60_000, seed=2)
    stall = sims[sims["type"] == "stalling"]
    assert (stall["stages_completed"] >= 1).mean() == pytest.approx(2 / 9 * 5 / 7, abs=0.01)
    assert (sims["end"] == "deal").mean() == pytest.approx(5 / 14, abs=0.01)


def test_json_has_the_design_shape() -> None:
    data = P.compare().to_json()
    assert set(data["protocols"]) == set(P.PRESETS)
    entry = data["protocols"]["big-deal"]
    for key in ("p_full", "p_full_by_type", "denuclearisation", "relief", "us_exploitation", "nk_exploitation",
                "stages", "values", "max_regret", "beliefs"):
        assert key in entry
    assert set(entry["values"]) == {"USA", "ROK", "PRK-sincere", "PRK-stalling"}
    assert set(entry["p_full_by_type"]) == {"sincere", "stalling"}
    assert sorted(data["rankings"]["USA"]) == sorted(P.PRESETS)
    json.dumps(data, allow_nan=False)


def test_compromise_and_seoul_choice() -> None:
    assert P.compare(ProtocolSection(chooser="ROK")).chosen == P.compare().rankings["ROK"][0]
    assert P.compare(ProtocolSection(chooser="compromise", w_U=1.0)).chosen == "big-deal"


def test_grid_resolution_does_not_change_the_default_results() -> None:
    coarse = P.compare(ProtocolSection(grid=41)).table
    fine = P.compare(ProtocolSection(grid=321)).table
    for col in ("V_USA", "V_ROK", "p_full", "us_exploitation"):
        assert np.allclose(coarse[col], fine[col], atol=1e-9), col


def test_cli_table_and_json() -> None:
    from typer.testing import CliRunner

    from allied.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["protocol", "korea-2019", "--format", "json", "--protocol", "big-deal", "--protocol",
                              "step-by-step", "--set", "protocol.divergence=1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data["protocols"]) == ["big-deal", "step-by-step"]
    res = runner.invoke(app, ["protocol", "korea-2019"])
    assert res.exit_code == 0 and "big-deal" in res.stdout and "★" in res.stdout
    res = runner.invoke(app, ["protocol", "korea-2019", "--protocol", "grand-bargain"])
    assert res.exit_code == 2 and "unknown protocol" in res.output
    res = runner.invoke(app, ["protocol", "korea-2019", "--set", "protocol.rho=2"])
    assert res.exit_code == 2 and "rho must lie in" in res.output
    res = runner.invoke(app, ["protocol", "korea-2019", "--format", "csv"])
    assert res.exit_code == 2


def test_default_mapping_round_trips_and_custom_stage_lists() -> None:
    from allied.scenario.sections.protocol import default_mapping

    assert P.point_vector(ProtocolSection.model_validate(default_mapping())).tolist() == \
        P.point_vector(ProtocolSection()).tolist()
    res = P.solve(None, [[0.5, 0.5, "U-first"], [0.5, 0.5, "N-first"]])
    assert 0.0 <= res["p_full"] <= 1.0 and res["max_regret"] <= 1e-9
    from allied.errors import ScenarioError

    with pytest.raises(ScenarioError, match="add up to"):
        P.from_stages("x", [[0.7, 0.5, "N-first"], [0.7, 0.5, "N-first"]])


def test_compare_accepts_a_loaded_scenario_with_overrides() -> None:
    from allied.scenario import load

    sc = load("korea-2019", ["protocol.divergence=1"])
    a = P.compare(sc, ["step-by-step"]).table.loc["step-by-step", "V_PRK_stalling"]
    b = P.compare(overrides={"divergence": 1.0}, protocols=["step-by-step"]).table.loc["step-by-step",
                                                                                       "V_PRK_stalling"]
    assert a == b
