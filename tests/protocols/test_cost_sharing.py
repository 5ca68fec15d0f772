"""The cost-sharing protocol family against hand calculations, and its invariants (hypothesis).

Units: US$ billion a year. Every expected number below is derived in the test's docstring."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from allied.protocols import run
from allied.protocols.cost_sharing import PARAM_NAMES, solve_many
from allied.scenario import load
from allied.scenario.sections import CostSharingSection
from allied.scenario.sections.cost_sharing import CostProtocol

BASE = textwrap.dedent("""\
    allied: 1
    id: cs-test
    title: cost-sharing test
    actors:
      - {id: USA, name: United States, capability: 100}
      - {id: ROK, name: South Korea, capability: 40}
    issues:
      - {id: contribution, name: yearly contribution, scale: [0, 3]}
    stances:
      - {actor: USA, issue: contribution, position: 2, salience: 50}
      - {actor: ROK, issue: contribution, position: 1, salience: 50}
    protocol:
      family: cost-sharing
      horizon: 4
      reservation: {patron: 1.0, client: 1.3}
      discount: 1
      talks: {patron: 0.01, client: 0.01}
      ratification: 0.02
    """)


def scenario(tmp_path: Path, extra: str = "", base: str = BASE):
    p = tmp_path / "cs.yaml"
    p.write_text(base + textwrap.indent(extra, "  "))
    return load(p)


def test_yearly_stopgaps_are_dominated_by_the_indexed_multi_year_deal(tmp_path: Path) -> None:
    """Zone [1.0, 1.3] every year, power 1/2, no discounting, 4 years. Yearly: four negotiations, each
    splits 0.3 evenly: USA 4(0.15) - 4(0.01) = 0.56, ROK 0.6 - 4(0.01 + 0.02) = 0.48. Indexed 4-year deal:
    one negotiation over 1.2: USA 0.6 - 0.01 = 0.59, ROK 0.6 - 0.03 = 0.57. Both sides gain from indexing."""
    res = run(scenario(tmp_path))
    t = res.table
    assert t.loc["yearly", "V_USA"] == pytest.approx(0.56) and t.loc["yearly", "V_ROK"] == pytest.approx(0.48)
    assert t.loc["indexed", "V_USA"] == pytest.approx(0.59) and t.loc["indexed", "V_ROK"] == pytest.approx(0.57)
    assert "indexed" in t.loc["yearly", "dominated_by"]
    assert t.loc["indexed", "contribution"] == pytest.approx(1.15)
    assert (t["max_regret"] < 1e-12).all()
    js = res.to_json()
    assert js["family"] == "cost-sharing" and "indexed" in js["protocols"]["yearly"]["dominated_by"]
    assert js["protocols"]["indexed"]["values"] == {"USA": pytest.approx(0.59), "ROK": pytest.approx(0.57)}


def test_flat_multi_year_deal_breaks_when_costs_outgrow_it_and_indexing_saves_it(tmp_path: Path) -> None:
    """Narrow zone [1.0, 1.05] in year 0; both walk-away points grow 10 % a year (the client's with its
    defence budget), 4 years, no discounting. A flat level x must leave the patron a non-negative
    continuation from year 3 on (x >= 1.1^3 = 1.331) and the client one over the whole term
    (x <= 1.05 (1 + 1.1 + 1.21 + 1.331)/4 = 1.2183): impossible, so the flat deal lapses (values: talks
    only, -0.01 each). Indexed to the budget the bounds are [1.0, 1.05]; the surplus 0.05 * 4.641 = 0.23205
    splits evenly: level 1.025 in year 0, then 1.1 times a year; USA 0.116025 - 0.01, ROK 0.116025 - 0.03."""
    base = BASE.replace("client: 1.3}", "client: 1.05}")
    res = run(scenario(tmp_path, "growth: {patron: 0.1, client: 0.1}\n", base=base), ["multi-year", "indexed"])
    t = res.table
    assert t.loc["multi-year", "p_full"] == 0.0
    assert t.loc["multi-year", "V_USA"] == pytest.approx(-0.01) and t.loc["multi-year", "V_ROK"] == pytest.approx(-0.01)
    assert t.loc["indexed", "p_full"] == 1.0
    path = res.to_json()["protocols"]["indexed"]["path"][0]
    assert path["zone"] == pytest.approx([1.0, 1.05])
    np.testing.assert_allclose(path["levels"], 1.025 * 1.1 ** np.arange(4))
    assert t.loc["indexed", "V_USA"] == pytest.approx(0.106025)
    assert t.loc["indexed", "V_ROK"] == pytest.approx(0.086025)
    assert t.loc["multi-year", "dominated_by"] == ["indexed"]


def test_the_side_a_lapse_hurts_more_concedes_more(tmp_path: Path) -> None:
    """BRW split with impasse d = (-lapse_P, -lapse_C): U_P = a S + a lapse_C - (1 - a) lapse_P. With
    S = 0.3 (one year), a = 1/2, lapse_C = 0.1: U_P = 0.15 + 0.05 = 0.2, level 1.2 instead of 1.15."""
    sc = scenario(tmp_path, "lapse: {patron: 0.0, client: 0.1}\n")
    res = run(sc, ["yearly"])
    assert res.to_json()["protocols"]["yearly"]["path"][0]["level"] == pytest.approx(1.2)


def test_unknown_protocol_is_a_located_error(tmp_path: Path) -> None:
    from allied.errors import ScenarioError

    with pytest.raises(ScenarioError, match="two-year"):
        run(scenario(tmp_path), ["two-year"])


def _pars(**kw: float) -> np.ndarray:
    base = {"reservation.patron": 1.0, "reservation.client": 1.3, "growth.patron": 0.0, "growth.client": 0.0,
            "power": 0.5, "discount": 0.95, "lapse.patron": 0.0, "lapse.client": 0.0, "talks.patron": 0.0,
            "talks.client": 0.0, "ratification": 0.0}
    base.update(kw)
    return np.array([[base[n] for n in PARAM_NAMES]])


money = st.floats(0.0, 0.2)
growth = st.floats(-0.1, 0.2)


@given(st.floats(0.5, 1.5), st.floats(0.0, 1.0), growth, growth, st.floats(0.0, 1.0), st.floats(0.5, 1.0),
       money, money, money, money, money, st.integers(1, 6), st.booleans())
def test_equilibrium_paths_have_no_regret_and_are_individually_rational(
        rp: float, gap: float, gp: float, gc: float, a: float, beta: float, lp: float, lc: float, tp: float,
        tc: float, rat: float, term: int, indexed: bool) -> None:
    """Nobody gains by walking away at the start of any year; each side's value is at least its outside
    option less what talks, ratification and lapses cost it."""
    pars = _pars(**{"reservation.patron": rp, "reservation.client": rp + gap - 0.3, "growth.patron": gp,
                    "growth.client": gc, "power": a, "discount": beta, "lapse.patron": lp, "lapse.client": lc,
                    "talks.patron": tp, "talks.client": tc, "ratification": rat})
    out, _ = solve_many(pars, CostProtocol(term=term, index="budget" if indexed else "none"), 6)
    assert out["max_regret"][0] <= 1e-9
    n = out["negotiations"][0]
    assert out["V_patron"][0] >= -n * (tp + lp) - 1e-9
    assert out["V_client"][0] >= -n * (tc + rat + lc) - 1e-9
    assert 0.0 <= out["p_deal"][0] <= 1.0


@given(st.floats(0.0, 1.0), st.floats(0.5, 1.0), st.integers(1, 6))
def test_without_costs_or_growth_the_term_does_not_matter(a: float, beta: float, term: int) -> None:
    """A constant zone and no transaction costs: every schedule of terms gives the same values."""
    pars = _pars(power=a, discount=beta)
    one, _ = solve_many(pars, CostProtocol(term=1), 6)
    many, _ = solve_many(pars, CostProtocol(term=term, index="budget"), 6)
    np.testing.assert_allclose(one["V_patron"], many["V_patron"], atol=1e-12)
    np.testing.assert_allclose(one["V_client"], many["V_client"], atol=1e-12)


@given(money, st.integers(2, 6))
def test_talks_costs_fall_on_yearly_stopgaps_more(cost: float, term: int) -> None:
    pars = _pars(**{"talks.patron": cost, "talks.client": cost})
    yearly, _ = solve_many(pars, CostProtocol(term=1), 6)
    multi, _ = solve_many(pars, CostProtocol(term=term), 6)
    assert yearly["V_patron"][0] <= multi["V_patron"][0] + 1e-12
    assert yearly["V_client"][0] <= multi["V_client"][0] + 1e-12


def test_section_defaults_name_the_three_protocols() -> None:
    sec = CostSharingSection.model_validate({"family": "cost-sharing", "reservation": {"patron": 1, "client": 2}})
    assert list(sec.protocols) == ["multi-year", "yearly", "indexed"]


def test_lapse_costs_weigh_by_bargaining_power(tmp_path: Path) -> None:
    """a = 0.8, lapse_P = 0.1, lapse_C = 0.05, S = 0.3: U_P = 0.24 + 0.8(0.05) - 0.2(0.1) = 0.26; level 1.26."""
    sc = scenario(tmp_path, "power: 0.8\nlapse: {patron: 0.1, client: 0.05}\n")
    assert run(sc, ["yearly"]).to_json()["protocols"]["yearly"]["path"][0]["level"] == pytest.approx(1.26)


def test_a_flat_deal_may_ask_more_than_a_years_walk_away_if_later_years_repay_it(tmp_path: Path) -> None:
    """Walk-away points 1.0 growing 10 % and 1.3 growing 12 %, 4 years, flat level. Year by year no level
    fits (the patron needs 1.331 in year 3, the client pays at most 1.3 in year 0), but walking away forfeits
    the later years: the continuation bounds are x >= 1.331 (patron, from year 3) and
    x <= 1.3 (1 + 1.12 + 1.2544 + 1.404928)/4 = 1.553282 (client, whole term). The even split of
    S = 1.3 * 4.779328 - 4.641 = 1.5721264 gives x = (0.7860632 + 4.641)/4 = 1.3567658, inside: a deal."""
    res = run(scenario(tmp_path, "growth: {patron: 0.1, client: 0.12}\n"), ["multi-year"])
    path = res.to_json()["protocols"]["multi-year"]["path"][0]
    assert path["agreed"] and path["level"] == pytest.approx(1.3567658)
    assert path["zone"] == pytest.approx([1.331, 1.553282])


def test_all_power_to_the_client_holds_the_patron_to_its_whole_term_walk_away(tmp_path: Path) -> None:
    """Power 0: the client keeps the surplus, the patron gets its outside option over the term. Its
    walk-away falls 10 % a year (1, 0.9, 0.81, 0.729): a flat level of (1 + 0.9 + 0.81 + 0.729)/4 = 0.85975
    leaves it exactly 0 from year 0 and more from every later year, though below its year-0 point."""
    res = run(scenario(tmp_path, "power: 0\ngrowth: {patron: -0.1, client: 0}\n"), ["multi-year"])
    assert res.to_json()["protocols"]["multi-year"]["path"][0]["level"] == pytest.approx(0.85975)


def test_every_front_end_refuses_a_scenario_without_protocol_section(tmp_path: Path) -> None:
    """`allied protocol` and `allied sweep --model protocol` exit 2 naming the section; the report says so."""
    from typer.testing import CliRunner

    from allied.cli import app

    p = tmp_path / "nop.yaml"
    p.write_text(BASE[:BASE.index("protocol:")])
    cli = CliRunner()
    for args in (["protocol", str(p)], ["sweep", str(p), "--model", "protocol", "--samples", "5", "--out",
                                        str(tmp_path / "run")]):
        res = cli.invoke(app, args)
        flat = " ".join(res.output.split())
        assert res.exit_code == 2, res.output
        assert "no protocol: section" in flat and "family: cost-sharing" in flat
    from allied.report.engines import collect_protocol

    part = collect_protocol(load(p))
    assert not part.ok and "no protocol: section" in (part.error or "")


def test_cli_table_of_a_cost_sharing_section(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from allied.cli import app

    p = tmp_path / "cs.yaml"
    p.write_text(BASE)
    res = CliRunner().invoke(app, ["protocol", str(p)])
    assert res.exit_code == 0, res.output
    assert "dominated by" in res.output and "multi-year, indexed" in res.output


def test_sweep_gives_the_probability_that_every_agreement_is_reached(tmp_path: Path) -> None:
    """Patron's walk-away ~ U(1.0, 1.4) against the client's 1.3, no growth: each yearly deal holds iff
    rP <= 1.3, so P(every deal) = 0.3 / 0.4 = 0.75 for every protocol."""
    import json

    from typer.testing import CliRunner

    from allied.cli import app

    p = tmp_path / "cs.yaml"
    p.write_text(BASE.replace("reservation: {patron: 1.0,", "reservation: {patron: {low: 1.0, high: 1.4},"))
    res = CliRunner().invoke(app, ["sweep", str(p), "--model", "protocol", "--samples", "4000", "--out",
                                   str(tmp_path / "run"), "--format", "json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output[res.output.index("{"):res.output.rindex("}") + 1])["summary"]["protocol"]
    for name in ("multi-year", "yearly", "indexed"):
        assert summary[name]["mean"] == pytest.approx(0.75, abs=0.03)


def test_patron_and_client_may_be_delegation_principals() -> None:
    from allied.scenario import load as load_builtin

    sc = load_builtin("sma-2020", ["protocol.patron=USA", "protocol.client=ROK"])
    assert set(run(sc).rankings) == {"USA", "ROK"}


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_non_finite_override_is_a_located_error(value: str) -> None:
    """--set passes 'nan' or 'inf' as text, which the section coerces to a float: NaN compares false with
    both bounds and the lapse's upper bound is inf, so the bounds check let both through to the solver, which
    printed numbers; the scenario must stop them with a located error (exit 2)."""
    from typer.testing import CliRunner

    from allied.cli import app

    res = CliRunner().invoke(app, ["protocol", "sma-2020", "--set", f"protocol.lapse.client={value}"])
    assert res.exit_code == 2, res.output
    assert "lapse.client must be a finite number" in " ".join(res.output.split())
