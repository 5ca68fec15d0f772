"""A synthetic 12-ally scenario with a panel CSV: burden measures and per-year tests through the API and CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from ledger_helpers import synthetic_panel
from scipy import stats
from typer.testing import CliRunner

from allied.cli import app
from allied.ledgers import ledger


@pytest.fixture
def scenario_file(tmp_path):
    panel = synthetic_panel()
    panel.to_csv(tmp_path / "ledger_panel12.csv", index=False)
    members = panel["member"].tolist()
    note = {"source": "synthetic", "note": "made-up test figure"}
    data = {
        "allied": 1, "id": "synthetic-12", "title": "Synthetic 12-ally alliance (made up)",
        "sources": [{"id": "synthetic", "title": "test data"}],
        "actors": [{"id": m, "name": m, "capability": 1} for m in members],
        "issues": [{"id": "x", "name": "x", "scale": [0, 100]}],
        "stances": [{"actor": m, "issue": "x", "position": 50, "salience": 50} for m in members],
        "alliance": {
            "members": members, "patron": "A12", "panel": "ledger_panel12.csv",
            "items": [{"item": "hns_a01", "from": "A01", "to": "A12", "year": 2020, "value": 120,
                       "unit": "US$ million", "evidence": note},
                      {"item": "troops_a01", "from": "A12", "to": "A01", "year": 2020, "value": 4000,
                       "unit": "troops", "evidence": note}],
        },
    }
    path = tmp_path / "synthetic12.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path, panel


def test_api_tests_and_burden(scenario_file):
    path, panel = scenario_file
    res = ledger(path)
    t = res.tests["by_year"]["2020"]
    burden = panel["defence"] / panel["gdp"]
    assert t["spearman"]["statistic"] == pytest.approx(stats.spearmanr(panel["gdp"], burden).statistic)
    assert t["kendall"]["pvalue"] == pytest.approx(
        stats.kendalltau(panel["gdp"], burden, alternative="greater").pvalue)
    b = res.burden.table.set_index("member")
    row = panel.set_index("member").loc["A03"]
    assert b.loc["A03", "defence_gdp"] == pytest.approx(row["defence"] / row["gdp"])
    assert b.loc["A03", "broad_burden"] == pytest.approx(
        (row["defence"] + row["hns_cash"] + row["hns_in_kind"] + row["peacekeeping"] + row["aid"]) / row["gdp"])
    assert b.loc["A03", "hns_per_soldier"] == pytest.approx(
        (row["hns_cash"] + row["hns_in_kind"]) / row["troops_hosted"])
    assert b["defence_share"].sum() == pytest.approx(1.0)
    # equal weights: benefit share = mean of GDP, population and exposure shares
    p = panel.set_index("member")
    exp = (p["gdp"] / p["gdp"].sum() + p["population"] / p["population"].sum()
           + p["exposure"] / p["exposure"].sum()) / 3
    assert np.allclose(b["benefit_share"], exp.loc[b.index])
    assert "arms_purchases" in " ".join(res.burden.notes)  # absent column named, not zero-filled


def test_cli_json_with_panel(scenario_file):
    path, _ = scenario_file
    r = CliRunner().invoke(app, ["ledger", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert "warning" not in data["tests"]
    assert set(data["tests"]["by_year"]["2020"]) >= {"spearman", "kendall", "partial_spearman", "wilcoxon"}
    assert len(data["burden"]["panel"]) == 12
    t = CliRunner().invoke(app, ["ledger", str(path)])
    assert t.exit_code == 0 and "spearman" in t.stdout


def test_missing_panel_file_is_a_located_error(scenario_file):
    path, _ = scenario_file
    (path.parent / "ledger_panel12.csv").unlink()
    r = CliRunner().invoke(app, ["ledger", str(path)])
    assert r.exit_code == 2 and "panel CSV not found" in r.output


def test_year_with_too_few_allies_refused_in_result(scenario_file):
    path, panel = scenario_file
    extra = panel.iloc[:3].assign(year=2021)  # only three allies reported for 2021
    pd.concat([panel, extra]).to_csv(path.parent / "ledger_panel12.csv", index=False)
    res = ledger(path)
    assert "spearman" in res.tests["by_year"]["2020"]
    assert "3 members" in res.tests["by_year"]["2021"]["warning"]


def test_committed_synthetic_fixture_sweeps_within_hand_bounds():
    from pathlib import Path

    from allied.ledgers import sample_totals
    from allied.scenario import load

    path = Path(__file__).resolve().parents[1] / "data" / "ledger_synthetic12.yaml"
    sc = load(path)
    res = ledger(path)  # the panel CSV (with its comment line) is found beside the YAML
    assert res.burden is not None and len(res.burden.table) == 12
    assert set(res.missing["kind"]) == {"host_nation_support"}  # only the expected kind is checked
    keys, tot = sample_totals(sc.alliance, 500, seed=1)
    col = keys.index[(keys["viewpoint"] == "A12") & (keys["lens"] == "cash")][0]
    # A12 receives hns_a01 in [100, 150] US$M plus 80 EUR M at 0.85..0.95 EUR per US$
    lo, hi = 100 + 80 / 0.95, 150 + 80 / 0.85
    assert np.all((tot[:, col] >= lo - 1e-9) & (tot[:, col] <= hi + 1e-9))
    assert tot[:, col].min() < lo + 15 and tot[:, col].max() > hi - 15  # the draws span the range
