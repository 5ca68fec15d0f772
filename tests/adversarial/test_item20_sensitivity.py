"""Item 20 of issue 20: sensitivity reports its uncertainty. Every index comes with its bootstrap interval,
overlapping top ranks are called "not yet stable", --until-stable grows the sample within a budget, and no
index axis runs past 1 without a note saying why."""

from __future__ import annotations

import json

import pandas as pd
from adversarial_helpers import cli

from allied.report.prep import index_axis
from allied.sweeps.indices import SensitivityResult


def _result(st: dict[str, tuple[float, float]]) -> SensitivityResult:
    ind = {k: {"S1": v, "S1_conf": c, "ST": v, "ST_conf": c} for k, (v, c) in st.items()}
    return SensitivityResult("sobol", list(st), {"y": ind}, 256, 256 * (len(st) + 2))


def test_item20_overlapping_ranks_are_not_stable() -> None:
    res = _result({"a": (0.6, 0.05), "b": (0.3, 0.1), "c": (0.25, 0.1), "d": (0.01, 0.01)})
    assert res.overlaps("y") == [(2, "b", "c")]  # a is clearly first; b and c are not yet ordered
    assert res.to_json()["issues"]["y"]["ranking_stable"] is False
    apart = _result({"a": (0.6, 0.05), "b": (0.3, 0.05), "c": (0.1, 0.02), "d": (0.01, 0.01)})
    assert apart.overlaps("y") == [] and apart.to_json()["issues"]["y"]["ranking_stable"] is True


def test_item20_index_above_one_is_named() -> None:
    assert _result({"a": (1.2, 0.4), "b": (0.1, 0.05)}).beyond_one("y") == ["a"]


def test_item20_axis_never_past_one_without_a_note() -> None:
    df = pd.DataFrame({"input": ["a", "b"], "ST": [1.3, 0.2], "ST_conf": [0.4, 0.1], "S1": [0.9, 0.1],
                       "S1_conf": [0.3, 0.05]})
    _, hi, note = index_axis(df)
    assert hi == 1.0 and "sampling error" in note
    _, hi, note = index_axis(df.assign(ST=[0.5, 0.2], S1=[0.4, 0.1], ST_conf=0.05, S1_conf=0.05))
    assert hi <= 1.0 and note == ""


def test_item20_cli_reports_confidence_and_until_stable() -> None:
    r = cli("sensitivity", "korea-2019", "-m", "mean", "-i", "cost_sharing", "--samples", "16", "--until-stable",
            "--max-samples", "64", "--format", "json")
    assert r.code == 0, r.text
    data = json.loads(r.out)
    issue = data["issues"]["cost_sharing"]
    assert all("ST_conf" in m and "S1_conf" in m for m in issue["indices"].values())
    assert "ranking_stable" in issue
    steps = data["until_stable"]["steps"]
    assert steps and data["samples"] <= 64
    assert steps[-1].startswith(("stable", "not stable within --max-samples 64"))


def test_item20_bad_top_and_budget_name_their_option() -> None:
    """--top 0 or below showed an empty or clipped table (a negative slice drops the last rows); a --max-samples
    over the limit was reported as --samples, an option the user had set within bounds."""
    r = cli("sensitivity", "korea-2019", "-m", "mean", "--samples", "16", "--top", "-1")
    assert r.code == 2 and "--top must be 1 or more" in r.text, r.text
    r = cli("sensitivity", "korea-2019", "-m", "mean", "--samples", "16", "--until-stable",
            "--max-samples", str(10**12))
    assert r.code == 2 and "--max-samples must be at most" in r.text, r.text
