"""Interval coverage and skill on a 3-case fixture, computed by hand and compared with the tool's.

Each case: two actors on one issue with point stances, a status quo and one outcome after as_of. By hand
(weights c·s): the c·s-mean is the forecast of the ``mean`` model and of the ``cs-mean`` baseline.

case  actors (c, s, x)            mean                          status quo  actual  scale
c1    A(1,50,0)  B(3,50,8)        (0+1200)/200 = 6              2           9       [0, 10]
c2    A(2,40,10) B(2,60,20)       (800+2400)/200 = 16           10          15      [10, 30]
c3    A(1,100,0) B(1,100,100)     50                            0           40      [0, 100]

Errors as % of scale — mean: 30, 5, 10 (sum 45); status quo: 70, 25, 40 (sum 135).
Skill of mean vs status quo over the three = 1 − 45/135 = 2/3; per case 1 − 30/70, 1 − 5/25, 1 − 10/40.
Coverage: samples 0..100 scaled onto each scale give p05–p95 = 5 %–95 % and p25–p75 = 25 %–75 % of the
scale; the actuals sit at 90 %, 25 % and 40 % of their scales: in p05–p95 3 of 3; in p25–p75 2 of 3 (c2 on
its edge counts as inside, c1 at 90 % is outside).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.journal import IssueForecast, make, score, totals
from allied.scenario import load

CASES = {
    "c1": ((0, 10), 2, 9, [("A", 1, 50, 0), ("B", 3, 50, 8)]),
    "c2": ((10, 30), 10, 15, [("A", 2, 40, 10), ("B", 2, 60, 20)]),
    "c3": ((0, 100), 0, 40, [("A", 1, 100, 0), ("B", 1, 100, 100)]),
}


def write_cases(folder: Path) -> list[Path]:
    paths = []
    for cid, ((lo, hi), sq, actual, actors) in CASES.items():
        lines = ["allied: 1", f"id: {cid}", f"title: fixture {cid}", "as_of: 2020-01-01", "actors:"]
        lines += [f"  - {{id: {a}, name: {a}, capability: {c}}}" for a, c, _, _ in actors]
        lines += ["issues:", f"  - {{id: x, name: X, scale: [{lo}, {hi}], status_quo: {sq}}}", "stances:"]
        lines += [f"  - {{actor: {a}, issue: x, position: {x}, salience: {s}, evidence: {{note: hand}}}}"
                  for a, _, s, x in actors]
        lines += ["outcomes:",
                  f"  - {{id: o_{cid}, issue: x, value: {actual}, date: 2021-01-01, description: d, source: s}}"]
        p = folder / f"{cid}.yaml"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def test_skill_and_coverage_by_hand(tmp_path: Path) -> None:
    rows = []
    for p in write_cases(tmp_path):
        sc = load(p)
        fs = make(sc, ["mean"])
        lo, hi = sc.issue("x").scale
        fs.models["mean"]["x"] = IssueForecast(fs.models["mean"]["x"].point, lo + (hi - lo) * np.arange(101.0) / 100)
        rows += score(sc, fs)
    mean = {r.case: r for r in rows if r.model == "mean"}
    assert [mean[c].forecast for c in ("c1", "c2", "c3")] == pytest.approx([6.0, 16.0, 50.0])
    assert [mean[c].err_pct_scale for c in ("c1", "c2", "c3")] == pytest.approx([30.0, 5.0, 10.0])
    assert [mean[c].skill_vs_status_quo for c in ("c1", "c2", "c3")] == \
        pytest.approx([1 - 30 / 70, 1 - 5 / 25, 1 - 10 / 40])
    assert [mean[c].in_p05_p95 for c in ("c1", "c2", "c3")] == [True, True, True]
    assert [mean[c].in_p25_p75 for c in ("c1", "c2", "c3")] == [False, True, True]
    tot = {t.model: t for t in totals(rows)}
    assert tot["mean"].skill_vs_status_quo == pytest.approx(2 / 3)
    assert tot["mean"].skill_vs_cs_mean == pytest.approx(0.0)  # the mean model is the cs-mean baseline
    assert tot["mean"].coverage_p05_p95 == pytest.approx(1.0)
    assert tot["mean"].coverage_p25_p75 == pytest.approx(2 / 3)
    assert tot["mean"].vs_status_quo["wins"] == 3 and tot["mean"].vs_status_quo["losses"] == 0
    assert tot["status-quo"].skill_vs_cs_mean == pytest.approx(1 - 135 / 45)


def test_backtest_cli_on_the_fixture_folder(tmp_path: Path) -> None:
    write_cases(tmp_path)
    r = CliRunner().invoke(app, ["backtest", str(tmp_path), "--model", "mean", "--samples", "0", "--format", "json"])
    assert r.exit_code == 0, r.output
    import json

    data = json.loads(r.output)
    assert [c["case"] for c in data["cases"]] == [str(tmp_path / f"{c}.yaml") for c in ("c1", "c2", "c3")]
    mean = next(t for t in data["totals"] if t["model"] == "mean")
    assert mean["skill_vs_status_quo"] == pytest.approx(2 / 3)
    assert mean["vs_status_quo"]["wins"] == 3
