"""Guidance: which models the library scores best on issues of a kind, never from the scenario's own outcomes."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from allied.cli import app
from allied.journal.guidance import for_scenario
from allied.journal.library import issue_kind, library_kinds, library_rows
from allied.models.ensemble import member_names
from allied.scenario import load


def test_issue_kind_by_hand(tmp_path) -> None:
    # two actors at 0 and 10 with equal weight on [0, 10]: sd 5 = 50 % of the scale -> bilateral, wide
    p = tmp_path / "two.csv"
    p.write_text("actor,capability,position,salience\nA,1,0,50\nB,1,10,50\n")
    k = issue_kind(load(p), "two")
    assert k.bilateral and k.actors == 2 and abs(k.spread - 0.5) < 1e-12 and k.label().startswith("bilateral")


def test_guidance_pools_issues_of_the_same_kind_from_other_cases() -> None:
    sc = load("iran-2013")
    (g,) = for_scenario(sc)
    kinds = library_kinds()
    k = issue_kind(sc, "president")
    same = {key for key, kind in kinds.items() if key[0] != "iran-2013" and kind.size == k.size
            and kind.width == k.width and kind.bilateral == k.bilateral}
    assert g.match == "same kind" and same
    rows = [r for r in library_rows(member_names()) if (r.case, r.issue) in same]
    assert g.outcomes == len({(r.case, r.outcome) for r in rows}) and g.cases == len({r.case for r in rows})
    _, err = g.ranking[0]
    assert err == min(np.mean([r.err_pct_scale for r in rows if r.model == m]) for m, _ in g.ranking)
    assert all(r.case != "iran-2013" for r in rows)


def test_forecast_prints_guidance_with_its_evidence_count() -> None:
    r = CliRunner().invoke(app, ["forecast", "korea-2019", "--issue", "cost_sharing", "--model", "mean"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "Track record of the models on issues of each kind" in out
    assert "cost_sharing (multilateral" in out and "scored outcome" in out
