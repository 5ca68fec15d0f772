"""No look-ahead: only outcomes with a number, dated after as_of, are scored; earlier ones are context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from allied.cli import app
from allied.journal import make, resolve, score
from allied.journal.outcomes import date_span
from allied.scenario import load

SCENARIO = """allied: 1
id: lookahead
title: One outcome before as_of, one after
as_of: 2020-06-30
actors:
  - {id: A, name: A, capability: 1}
  - {id: B, name: B, capability: 3}
issues:
  - {id: x, name: X, scale: [0, 10], status_quo: 2}
stances:
  - {actor: A, issue: x, position: 0, salience: 50, evidence: {note: hand}}
  - {actor: B, issue: x, position: 8, salience: 50, evidence: {note: hand}}
outcomes:
  - {id: before, issue: x, value: 1, date: 2020-06-30, description: on as_of itself, source: s}
  - {id: after, issue: x, value: 9, date: 2020-07-01, description: the day after, source: s}
  - {id: month, issue: x, value: 5, date: "2020-06", description: "same month, order unclear", source: s}
  - {id: text, issue: x, date: 2021-01-01, description: no number, source: s}
"""


def write(tmp_path: Path) -> Path:
    p = tmp_path / "lookahead.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


def test_only_the_outcome_after_as_of_is_scored(tmp_path: Path) -> None:
    sc = load(write(tmp_path))
    status = {r.outcome.id: r.status for r in resolve(sc)}
    assert status == {"before": "known", "after": "scorable", "month": "known", "text": "no-value"}
    rows = score(sc, make(sc, ["mean"]))
    assert {r.outcome for r in rows} == {"after"}
    # c·s-weighted mean by hand: (1·50·0 + 3·50·8) / (1·50 + 3·50) = 6; error to 9 is 3 = 30 % of the scale
    mean = next(r for r in rows if r.model == "mean")
    assert mean.forecast == 6.0 and mean.abs_error == 3.0 and mean.err_pct_scale == 30.0
    sq = next(r for r in rows if r.model == "status-quo")
    assert sq.abs_error == 7.0  # status quo 2 carried forward
    assert mean.skill_vs_status_quo == 1 - 3 / 7


def test_validate_warns_and_names_the_known_outcome(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["validate", str(write(tmp_path))])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "1 of 4 scorable" in out
    assert "warning: outcome 'before' dated 2020-06-30, on or before as_of" in out and "known at the time" in out
    assert "warning: outcome 'after'" not in out


def test_partial_dates_cover_their_span() -> None:
    assert date_span("2019") == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert date_span("2020-02") == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert date_span(dt.date(2019, 4, 11)) == (dt.date(2019, 4, 11), dt.date(2019, 4, 11))
    assert date_span("April 2019") is None


def test_korea_2019_scores_no_outcome_known_at_the_time() -> None:
    sc = load("korea-2019")
    status = {r.outcome.id: r.status for r in resolve(sc)}
    assert status["sma_2019_won"] == "known" and status["sma_2019_term"] == "known"
    scored = {r.outcome.id for r in resolve(sc) if r.scorable}
    assert scored == {"sma_2021_term", "sma_2021_amount", "no_sanctions_relief"}
    # the next agreement, in won: the 2019 deal is the status quo, the 2021 figure the outcome
    cs = sc.issue("cost_sharing")
    assert cs.status_quo == 1.0389 and "won" in (cs.units or "")
    amount = next(o for o in sc.outcomes if o.id == "sma_2021_amount")
    assert amount.value == 1.1833


def test_korea_2019_validate_names_the_2019_deal_as_known() -> None:
    r = CliRunner().invoke(app, ["validate", "korea-2019"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "3 of 7 scorable" in out
    assert "outcome 'sma_2019_won' dated 2019-03-08" in out and "known at the time" in out
