"""The bargain model on a scenario: delegation groups parts under principals, reservation points set the
zone, the public demand is evidence only; an empty zone reports the probability of no deal."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sma_cases import SMA
from typer.testing import CliRunner

from allied.cli import app
from allied.errors import ModelError
from allied.models.runner import run_forecasts
from allied.scenario import load
from allied.scenario.arrays import stance_inputs
from allied.scenario.uncertain import point

runner = CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sma.yaml"
    p.write_text(text)
    return p


def test_forecast_lies_inside_the_zone_not_at_the_demand(tmp_path: Path) -> None:
    """Point values: USA reservation 0.7*1.1 + 0.3*1.1 = 1.1, ROK 0.6*1.3 + 0.4*1.2 = 1.26; capability 100
    vs 40 gives the US the power 100/140, so the Nash point is 1.1 + (100/140)(0.16) = 1.2143."""
    sc = load(write(tmp_path, SMA))
    runs = run_forecasts(sc.forecast_input(), ["bargain"], params={"solution": "nash"})
    z = runs["bargain"].final("contribution")
    assert z == pytest.approx(1.1 + 100 / 140 * 0.16, abs=1e-9)
    assert 1.1 <= z <= 1.26 and z < 5.0
    ext = runs["bargain"].output.extras["per_issue"]["contribution"]
    assert ext["parties"] == ["USA", "ROK"] and ext["p_no_deal"] == 0.0
    alt = run_forecasts(sc.forecast_input(), ["bargain"])["bargain"].final("contribution")
    assert 1.1 <= alt <= 1.26  # alternating offers, monthly: also inside the zone


def test_empty_zone_reports_probability_of_no_deal(tmp_path: Path) -> None:
    text = SMA.replace("reservation: 1.1\n", "reservation: 1.5\n").replace(
        "reservation: {low: 1.05, high: 1.15}", "reservation: 1.5")
    p = write(tmp_path, text)
    res = runner.invoke(app, ["forecast", str(p), "--model", "bargain", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)  # warnings go to standard error
    ext = data["models"]["bargain"]["extras"]["per_issue"]["contribution"]
    assert ext["p_no_deal"] == 1.0
    assert any("probability of no deal" in n for n in data["models"]["bargain"]["notes"])


def test_uncertain_reservations_give_a_probability(tmp_path: Path) -> None:
    """USA_WH's reservation ~ U(1.05, 1.15) enters with weight 0.7 beside DOD's 1.1; make ROK's walk-away
    a point 1.12 (both parts): no deal when 0.7 u + 0.33 > 1.12, i.e. u > 1.12857; P = (1.15-1.12857)/0.1."""
    text = SMA.replace("reservation: {low: 1.2, high: 1.4}", "reservation: 1.12").replace(
        "reservation: 1.2\n", "reservation: 1.12\n")
    sc = load(write(tmp_path, text))
    rng = np.random.default_rng(3)
    dists = stance_inputs(sc)
    vals = {k: u.sample(rng, 40_000, clip) for k, (u, clip) in dists.items()}
    runs = run_forecasts(sc.forecast_input(values=vals), ["bargain"])
    p = runs["bargain"].output.extras["per_issue"]["contribution"]["p_no_deal"]
    assert p == pytest.approx((1.15 - (1.12 - 0.33) / 0.7) / 0.1, abs=0.01)


def test_multi_actor_issue_is_refused_naming_the_models_that_fit() -> None:
    res = runner.invoke(app, ["forecast", "korea-2019", "--model", "bargain", "--issue", "sanctions_relief"])
    assert res.exit_code == 2
    assert "6 principals" in res.output and "eum" in res.output and "exchange" in res.output
    with pytest.raises(ModelError, match="bilateral"):
        run_forecasts(load("korea-2019").forecast_input(["sanctions_relief"]), ["bargain"])


def test_all_models_skip_the_bargain_model_where_it_does_not_fit() -> None:
    runs = run_forecasts(load("korea-2019").forecast_input(["sanctions_relief"]), ["all"])
    assert "bargain" not in runs and "eum" in runs


def test_sweep_reports_probability_of_no_deal(tmp_path: Path) -> None:
    """Same hand calculation as above, through ``allied sweep --model bargain`` (uniform draws)."""
    text = SMA.replace("reservation: {low: 1.2, high: 1.4}", "reservation: 1.12").replace(
        "reservation: 1.2\n", "reservation: 1.12\n")
    p = write(tmp_path, text)
    res = runner.invoke(app, ["sweep", str(p), "--model", "bargain", "--samples", "4000", "--out",
                              str(tmp_path / "run"), "--format", "json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output[res.output.index("{"):res.output.rindex("}") + 1])["summary"]["bargain"]
    assert summary["contribution"]["p_no_deal"] == pytest.approx((1.15 - (1.12 - 0.33) / 0.7) / 0.1, abs=0.03)


def test_sweep_of_a_multi_actor_issue_is_refused() -> None:
    res = runner.invoke(app, ["sweep", "korea-2019", "--model", "bargain", "--issue", "sanctions_relief",
                              "--samples", "10"])
    assert res.exit_code == 2 and "bilateral" in " ".join(res.output.split())


def test_korea_cost_sharing_is_bargained_between_usa_and_rok() -> None:
    """korea-2019's reservation points (modes, trillion won for the next agreement): USA 1.08, ROK 1.12; JPN
    has none and looks on. Capability 100 vs 35 gives the Nash split 1.08 + (100/135) 0.04 = 1.1096."""
    sc = load("korea-2019")
    runs = run_forecasts(sc.forecast_input(["cost_sharing"]), ["bargain"], params={"solution": "nash"})
    ext = runs["bargain"].output.extras["per_issue"]["cost_sharing"]
    assert ext["parties"] == ["USA", "ROK"] and ext["bystanders"] == ["JPN"]
    cap = {a.id: point(a.capability) for a in sc.actors}
    share = cap["USA"] / (cap["USA"] + cap["ROK"])
    assert runs["bargain"].final("cost_sharing") == pytest.approx(1.08 + share * 0.04)
    default = run_forecasts(sc.forecast_input(), ["all"])
    assert list(default["bargain"].input.issues) == ["cost_sharing"]
    assert set(default["bargain"].skipped) == {i.id for i in sc.issues} - {"cost_sharing"}


def test_dispute_card_uses_principals(tmp_path: Path) -> None:
    """White House 5.0 x 0.7 + Pentagon 2.0 x 0.3 = 4.1 against 1.0 x 0.6 + 0.95 x 0.4 = 0.98."""
    from allied.report.prep import widest_split

    split = widest_split(load(write(tmp_path, SMA)))
    assert split is not None and split["actors"] == ["USA", "ROK"]
    assert split["positions"] == pytest.approx([4.1, 0.98])


def test_report_forecasts_show_bargain_beside_the_others_on_cost_sharing() -> None:
    from allied.report.engines import collect_forecasts
    from allied.report.prep import final_frame

    sc = load("korea-2019")
    parts = collect_forecasts(sc)
    assert parts["bargain"].ok
    runs = {m: p.value for m, p in parts.items() if p.ok}
    frame = final_frame(sc, runs)
    assert 1.08 <= frame.loc["cost_sharing", "bargain"] <= 1.12
    assert np.isnan(frame.loc["sanctions_relief", "bargain"]) and np.isfinite(frame.loc["sanctions_relief", "eum"])
