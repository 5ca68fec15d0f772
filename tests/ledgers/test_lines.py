"""Ledger lines, totals, missing items and batched totals on small hand-made sections."""

from __future__ import annotations

import numpy as np
import pytest

from allied.ledgers import build_ledger, plan, sample_totals
from allied.scenario.sections.alliance import AllianceSection

EV = {"source": "synthetic", "note": "made-up figure for a test"}


def section(**extra):
    items = [
        {"item": "hns_a", "from": "B", "to": "A", "year": 2020, "value": 100, "unit": "US$ million", "evidence": EV},
        {"item": "hns_c", "from": "C", "to": "A", "year": 2020, "value": 50, "unit": "US$ million", "evidence": EV},
        {"item": "arms_b", "from": "B", "to": "A", "year": 2020, "value": 2, "unit": "US$ billion", "evidence": EV},
        {"item": "hns_won", "kind": "host_nation_support", "from": "B", "to": "A", "year": 2020, "value": 220,
         "unit": "KRW billion", "evidence": EV},
        {"item": "troops_b", "from": "A", "to": "B", "year": 2020, "value": {"low": 20000, "high": 30000},
         "unit": "troops", "evidence": EV},
        {"item": "unknown_pk", "kind": "peacekeeping", "from": "C", "to": "A", "year": 2020, "value": None,
         "unit": "US$ million", "evidence": EV},
    ]
    return AllianceSection.model_validate({"members": ["A", "B", "C"], "patron": "A", "items": items, **extra})


def test_totals_by_hand():
    t = build_ledger(section(exchange_rates=[{"currency": "KRW", "year": 2020, "rate": 1100}])).totals
    get = {(r["viewpoint"], r["lens"], r["unit"]): r["total"] for r in t.to_dict("records")}
    # A receives 100 + 50 + 220e9/1100/1e6 = 350 cash; 2000 economic (arms); gives 25000 troops
    assert get[("A", "cash", "US$ million")] == pytest.approx(350.0)
    assert get[("B", "cash", "US$ million")] == pytest.approx(-300.0)
    assert get[("A", "economic", "US$ million")] == pytest.approx(2000.0)
    assert get[("A", "strategic", "troops")] == pytest.approx(-25000.0)
    assert get[("B", "strategic", "troops")] == pytest.approx(25000.0)


def test_missing_value_and_missing_rate_are_listed_never_zero():
    tab = build_ledger(section())  # no KRW rate given
    reasons = dict(zip(tab.missing["item"], tab.missing["reason"], strict=True))
    assert "no exchange rate for KRW" in reasons["hns_won"]
    assert "unknown" in reasons["unknown_pk"]
    ln = tab.lines
    assert ln.loc[ln["item"] == "hns_won", "signed"].isna().all()
    t = tab.totals
    a_cash = t[(t["viewpoint"] == "A") & (t["lens"] == "cash")].iloc[0]
    assert a_cash["total"] == pytest.approx(150.0) and a_cash["missing"] == 1 and not a_cash["complete"]
    c_strat = t[(t["viewpoint"] == "C") & (t["lens"] == "strategic")]
    assert c_strat["total"].isna().all() and (c_strat["missing"] >= 1).all()  # peacekeeping unknown


def test_expected_items_absent_are_listed():
    tab = build_ledger(section())
    absent = tab.missing[tab.missing["reason"].str.startswith("no ")]
    assert {("C", "troops"), ("C", "arms_purchases"), ("C", "trade_balance"), ("B", "trade_balance")} <= set(
        zip(absent["member"], absent["kind"], strict=True))


def test_item_exchange_rate_wins_and_year_filter():
    s = section(exchange_rates=[{"currency": "KRW", "year": 2020, "rate": 1000}])
    s.items[3] = s.items[3].model_copy(update={"exchange_rate": 1100.0})
    ln = build_ledger(s, year=2020).lines
    assert ln.loc[ln["item"] == "hns_won", "value_reporting"].iloc[0] == pytest.approx(200.0)
    assert build_ledger(s, year=1999).lines.empty


def test_batch_at_point_equals_point_totals_and_is_chunk_independent():
    s = section(exchange_rates=[{"id": "krw", "currency": "KRW", "year": 2020,
                                 "rate": {"low": 1000, "mode": 1100, "high": 1300}}])
    p = plan(s)
    assert {k for k, _ in p.inputs} == {"alliance.items.troops_b.value", "alliance.exchange_rates.krw.rate"}
    v, r = p.point()
    tot = p.totals(v, r)[0]
    pt = build_ledger(s).totals.dropna(subset=["total"])
    want = {(y, vp, ln, u): x for y, vp, ln, u, x in pt[["year", "viewpoint", "lens", "unit", "total"]].itertuples(
        index=False)}
    got = {tuple(k): x for k, x in zip(p.keys.itertuples(index=False), tot, strict=True)}
    assert got == pytest.approx(want)
    keys, draws = sample_totals(s, 200, seed=5)
    assert draws.shape == (200, len(keys))
    _, first = sample_totals(s, 20, seed=5)
    assert np.array_equal(first, draws[:20])  # sample i has its own stream
    col = keys.index[(keys["viewpoint"] == "A") & (keys["lens"] == "cash")][0]
    # A's cash = 150 + 220e3 / rate, rate in [1000, 1300]
    assert np.all((draws[:, col] >= 150 + 220e3 / 1300 - 1e-9) & (draws[:, col] <= 150 + 220e3 / 1000 + 1e-9))
    assert draws[:, col].std() > 0
