"""The report's Track record section and "What happened next", both from the journal's scorer."""

from __future__ import annotations

import html
import re

from allied.journal import score
from allied.report.build import Results
from allied.report.track import forecast_set


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_track_record_section(korea_html: str, korea_results: Results) -> None:
    sec = korea_html[korea_html.index('id="track"'):korea_html.index('id="method"')]
    text = _text(sec)
    assert "Track record" in text and "record, not a verdict" in text
    for col in ("skill vs status quo", "skill vs cs-mean", "W/L/T vs status quo", "W/L/T vs cs-mean"):
        assert col in text
    for m in ("mean", "median", "eum", "smp", "exchange", "ensemble", "status-quo (baseline)", "cs-mean (baseline)"):
        assert m in text, m
    assert 'data-engine="track"' in sec  # the calibration figure
    assert "Ensemble weights, fitted leave-one-case-out" in text
    assert "cost_sharing (multilateral, 3–5 actors" in text  # guidance, with its evidence count
    assert "scored outcome" in text


def test_what_happened_next_uses_the_journal_scorer(korea_html: str, korea_results: Results) -> None:
    rows = score(korea_results.sc, forecast_set(korea_results))
    sec = korea_html[korea_html.index('id="outcomes"'):korea_html.index('id="track"')]
    text = _text(sec)
    for r in rows:
        assert r.outcome in text
    eum = next(r for r in rows if r.model == "eum" and r.outcome == "sma_2021_amount")
    # the same numbers, formatted as in the table: error % of scale with one decimal
    assert f"{eum.err_pct_scale:.1f}" in text
    assert {r.outcome for r in rows} == {"sma_2021_term", "sma_2021_amount", "no_sanctions_relief"}


def test_scored_ensemble_of_a_renamed_library_case_never_sees_its_outcomes() -> None:
    """No look-ahead in the report's scoring: a copy of greece-2015 under another id is still that library
    case, so the ensemble it scores is weighted without greece-2015's outcome (as the ensemble itself does)."""
    from types import SimpleNamespace

    import pytest

    from allied.models.ensemble import library_fit, member_names
    from allied.scenario import load

    sc = load("greece-2015").model_copy(update={"id": "greece-copy"})
    finals = {m: 10.0 * (k + 1) for k, m in enumerate(member_names())}  # distinct, so weights matter
    runs = {m: SimpleNamespace(input=SimpleNamespace(issues=["debt_relief"]), final=lambda iss, v=v: v)
            for m, v in {**finals, "ensemble": 0.0}.items()}
    res = SimpleNamespace(sc=sc, runs=runs, sweep=SimpleNamespace(ok=False, value=None), samples=0)
    got = forecast_set(res).models["ensemble"]["debt_relief"].point  # type: ignore[arg-type]
    w = library_fit(exclude="greece-2015")["weights"]
    assert "greece-2015" not in library_fit(exclude="greece-2015")["cases"]
    assert got == pytest.approx(sum(w[m] * finals[m] for m in w) / sum(w.values()))
    leaky = library_fit(exclude="greece-copy")["weights"]  # what the id alone would have left out: nothing
    assert sum(leaky[m] * finals[m] for m in leaky) != pytest.approx(got)
