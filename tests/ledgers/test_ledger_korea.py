"""korea-2019: the article's ledger facts as lines with verbatim quotes; the bilateral alliance is not rank-tested."""

from __future__ import annotations

import json

import pytest
from ledger_helpers import ARTICLE, normalise
from typer.testing import CliRunner

from allied.cli import app
from allied.ledgers import ledger
from shared_data import need_shared


@pytest.fixture(scope="module")
def res():
    return ledger("korea-2019")


def one(res, **match):
    ln = res.lines
    for k, v in match.items():
        ln = ln[ln[k] == v]
    assert len(ln) >= 1, f"no ledger line with {match}"
    return ln


def check_quote(quote: str, must_contain: str) -> None:
    assert isinstance(quote, str) and must_contain in quote
    article = need_shared(*ARTICLE).read_text(encoding="utf-8")
    assert normalise(quote) in normalise(article), f"not verbatim: {quote!r}"


@pytest.mark.parametrize(("year", "value"), [(2018, 830.0), (2019, 924.0)])
def test_host_nation_support_lines(res, year, value):
    ln = one(res, year=year, kind="host_nation_support", value=value)
    assert set(ln["unit"]) == {"US$ million"}
    assert set(ln["from"]) == {"ROK"} and set(ln["to"]) == {"USA"}
    assert set(ln["lens"]) == {"cash"}
    # both viewpoints: a cost to Seoul, a benefit to Washington
    assert dict(zip(ln["viewpoint"], ln["signed"], strict=True)) == {"ROK": -value, "USA": value}
    check_quote(ln["quote"].iloc[0], f"US$ {value:.0f} million")


def test_troops_line(res):
    ln = one(res, kind="troops", value=28500.0)
    assert set(ln["unit"]) == {"troops"}
    check_quote(ln["quote"].iloc[0], "2,8,500 troops")  # the article's misprint, quoted as printed


def test_trade_deficit_contested_and_transactional_only(res):
    ln = one(res, kind="trade_balance", year=2016)
    assert set(ln["lens"]) == {"transactional"}
    assert ln["value"].iloc[0] == 27.6 and ln["unit"].iloc[0] == "US$ billion"
    assert ln["value_reporting"].iloc[0] == pytest.approx(27_600.0)  # US$ million
    assert ln["contested"].notna().all()
    check_quote(ln["quote"].iloc[0], "US$ 27.6 billion")
    # the deficit appears under no other lens and in no cash/economic/strategic total
    assert not ((res.lines["kind"] == "trade_balance") & (res.lines["lens"] != "transactional")).any()
    t = res.totals
    cash_2016 = t[(t["year"] == 2016) & (t["lens"] != "transactional")]
    assert cash_2016["total"].isna().all()


def test_tariff_threat_line(res):
    ln = one(res, kind="tariff_threat", value=25.0)
    assert set(ln["unit"]) == {"%"}
    assert ln["signed"].isna().all()  # a rate: listed, never summed
    check_quote(ln["quote"].iloc[0], "25 per cent tariff")


def test_one_year_term_line(res):
    ln = one(res, kind="agreement_term", value=1.0)
    assert set(ln["unit"]) == {"years"}
    check_quote(ln["quote"].iloc[0], "a year rather than the usual five year span")


def test_won_figure_depends_on_the_exchange_rate(res):
    ln = one(res, item="hns_2019_won")
    # 1.0389 trillion won at the file's 1,124 won per US$ = 924.3 US$ million (hand: 1.0389e12 / 1124 / 1e6)
    assert ln["value_reporting"].iloc[0] == pytest.approx(1.0389e12 / 1124 / 1e6)
    assert ln["signed"].isna().all()  # the same deal as hns_2019: not added twice
    cash = res.totals[(res.totals["year"] == 2019) & (res.totals["lens"] == "cash")]
    assert dict(zip(cash["viewpoint"], cash["total"], strict=True)) == {"ROK": -924.0, "USA": 924.0}


def test_missing_items_listed_not_zero(res):
    m = res.missing
    assert ((m["year"] == 2019) & (m["member"] == "ROK") & (m["kind"] == "arms_purchases")).any()
    t = res.totals
    econ = t[(t["year"] == 2019) & (t["lens"] == "economic")]
    assert econ["total"].isna().all() and (~econ["complete"]).all()


def test_exploitation_tests_on_two_members_warn(res):
    assert res.tests["members"] == 2
    assert "warning" in res.tests and "2 members" in res.tests["warning"]
    assert "by_year" not in res.tests


def test_hns_per_soldier_from_items(res):
    m = res.item_measures
    assert m.loc[m["year"] == 2018, "hns_per_soldier"].iloc[0] == pytest.approx(830e6 / 28_500)


def test_cli_json_contract():
    r = CliRunner().invoke(app, ["ledger", "korea-2019", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"lines", "totals", "burden", "tests"} <= set(data)
    line = data["lines"][0]
    assert {"year", "item", "from", "to", "value", "unit", "lens", "viewpoint", "evidence", "contested"} <= set(line)
    assert {"source", "quote"} <= set(line["evidence"])
    assert "warning" in data["tests"]
    assert data["totals"]["2019"]["USA"]["cash"]["values"]["US$ million"] == 924.0


def test_cli_year_set_and_table():
    r = CliRunner().invoke(app, ["ledger", "korea-2019", "--year", "2019", "--set",
                                 "alliance.items.hns_2019.value=1000", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {ln["year"] for ln in data["lines"]} == {2019}
    assert data["totals"]["2019"]["ROK"]["cash"]["values"]["US$ million"] == -1000.0
    t = CliRunner().invoke(app, ["ledger", "korea-2019"])
    flat = " ".join(t.stdout.split())
    assert t.exit_code == 0 and "Alliance ledger: korea-2019" in flat and "at least 8 allies" in flat


def test_cli_bad_input_exits_2_with_message():
    r = CliRunner().invoke(app, ["ledger", "korea-2019", "--set", "alliance.items.hns_2019.value=abc"])
    assert r.exit_code == 2
    assert "alliance.items" in r.output and "expected a number" in r.output
    r2 = CliRunner().invoke(app, ["ledger", "korea-2019", "--format", "xml"])
    assert r2.exit_code == 2 and "--format" in r2.output


def test_cli_exchange_rate_override_moves_the_dollar_figure():
    r = CliRunner().invoke(app, ["ledger", "korea-2019", "--year", "2019", "--format", "json",
                                 "--set", "alliance.exchange_rates.krw_2019.rate=1166"])
    assert r.exit_code == 0, r.output
    won = [ln for ln in json.loads(r.stdout)["lines"] if ln["item"] == "hns_2019_won"]
    assert won[0]["value_reporting"] == pytest.approx(1.0389e12 / 1166 / 1e6)  # ≈ 891, not 924


def test_scenario_without_alliance_section():
    from allied.scenario.sections.alliance import AllianceSection

    res = ledger(AllianceSection())
    assert res.lines.empty and res.totals.empty and "0 members" in res.tests["warning"]
    assert res.to_json()["lines"] == []


def test_a_year_without_items_is_refused_with_the_years_present() -> None:
    from typer.testing import CliRunner

    from allied.cli import app

    result = CliRunner().invoke(app, ["ledger", "korea-2019", "--year", "1700"])
    assert result.exit_code == 2
    assert "years present: 2016, 2018, 2019" in " ".join(result.output.split())
