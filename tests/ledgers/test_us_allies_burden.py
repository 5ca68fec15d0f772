"""us-allies-burden: the exploitation tests on the real ally panel, recomputed here from the file with scipy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from allied.cli import app
from allied.ledgers import ledger
from allied.scenario import load
from allied.scenario.uncertain import point


@pytest.fixture(scope="module")
def sc():
    return load("us-allies-burden")


@pytest.fixture(scope="module")
def res():
    return ledger("us-allies-burden")


def year_rows(sc, year: int) -> list:
    return [r for r in sc.alliance.panel if r.year == year and r.defence is not None and r.gdp is not None]


def test_panel_covers_every_nato_member_japan_korea_australia(sc) -> None:
    members = set(sc.alliance.members)
    assert len(members) == 35  # 32 NATO members (since Sweden, March 2024) + JPN, ROK, AUS
    assert {"USA", "ROK", "JPN", "AUS", "ISL", "SWE", "FIN", "TUR"} <= members
    assert {r.member for r in sc.alliance.panel if r.year == 2024} == members
    # allies that joined after 2014 have no 2014 row; Iceland has no armed forces: missing, not zero
    assert {r.member for r in sc.alliance.panel if r.year == 2014} == members - {"MNE", "MKD", "FIN", "SWE"}
    isl = next(r for r in sc.alliance.panel if r.member == "ISL" and r.year == 2024)
    assert isl.defence is None


def test_every_gdp_and_defence_figure_names_its_source(sc) -> None:
    for r in sc.alliance.panel:
        for key in ("gdp", "defence", "population"):
            assert key in r.evidence, f"{r.member} {r.year}: no evidence for {key}"


def test_sources_that_disagree_give_a_range(sc) -> None:
    usa = next(r for r in sc.alliance.panel if r.member == "USA" and r.year == 2024)
    lo, hi = usa.defence.bounds()
    # SIPRI 3.42 % vs NATO 3.19 % of the same GDP: the range spans both
    assert lo == pytest.approx(0.0319 * point(usa.gdp), rel=2e-3)
    assert hi == pytest.approx(997309, rel=1e-6)


def test_ledger_gives_rank_statistics_with_pvalues_and_no_warning(res) -> None:
    tests = res.tests
    assert "warning" not in tests and tests["members"] == 35
    for year, n in (("2014", 30), ("2024", 34)):
        t = tests["by_year"][year]
        assert t["n"] == n
        for name in ("spearman", "kendall", "partial_spearman", "wilcoxon"):
            assert "warning" not in t[name], (year, name, t[name])
            assert 0.0 <= t[name]["pvalue"] <= 1.0


@pytest.mark.parametrize("year", [2014, 2024])
def test_rank_statistics_equal_scipy_on_the_panel(sc, res, year: int) -> None:
    rows = year_rows(sc, year)
    gdp = np.array([point(r.gdp) for r in rows])
    burden = np.array([point(r.defence) for r in rows]) / gdp
    rho = stats.spearmanr(gdp, burden, alternative="greater")
    tau = stats.kendalltau(gdp, burden, alternative="greater")
    got = res.tests["by_year"][str(year)]
    assert got["spearman"]["statistic"] == pytest.approx(rho.statistic, abs=1e-12)
    assert got["spearman"]["pvalue"] == pytest.approx(rho.pvalue, rel=1e-9)
    assert got["kendall"]["statistic"] == pytest.approx(tau.statistic, abs=1e-12)
    assert got["kendall"]["pvalue"] == pytest.approx(tau.pvalue, rel=1e-9)


def test_south_korea_rank_in_defence_burden(sc) -> None:
    ranks = {}
    for year in (2014, 2024):
        rows = year_rows(sc, year)
        order = sorted(rows, key=lambda r: -point(r.defence) / point(r.gdp))
        ranks[year] = ([r.member for r in order].index("ROK") + 1, len(order))
    assert ranks == {2014: (2, 30), 2024: (7, 34)}  # docs/cases.md states these


def test_cli_ledger_json_has_the_tests() -> None:
    out = CliRunner().invoke(app, ["ledger", "us-allies-burden", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["tests"]["by_year"]["2024"]["spearman"]["pvalue"] > 0.5
    assert "NaN" not in out.output
