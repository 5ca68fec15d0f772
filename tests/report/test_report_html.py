"""The korea-2019 report as HTML: sections, figures per engine, evidence, no network references."""

from __future__ import annotations

import html
import re

import pytest
from report_htmlscan import scan

import allied
from allied.report.build import Results

SECTIONS = ("evidence", "forecast", "protocol", "ledger", "sensitivity", "outcomes")
#: engine → (the data-engine tag of its figures, the section that shows them, the Results field)
ENGINES = {
    "forecast": ("forecast", "forecast"),
    "protocol": ("protocol", "protocol"),
    "ledger": ("ledger", "ledger"),
    "sweep": ("sweep", "sensitivity"),
    "sensitivity": ("sensitivity", "sensitivity"),
}


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def test_parses_with_every_section_in_order(korea_html: str) -> None:
    s = scan(korea_html)
    assert korea_html.startswith("<!DOCTYPE html>")
    for sid in SECTIONS:
        assert sid in s.sections, f"section id={sid} missing"
    order = [s.sections.index(x) for x in ("glance", *SECTIONS, "method")]
    assert order == sorted(order), s.sections
    assert len(s.ids) == len(set(s.ids)), "duplicate element ids"


def test_no_network_reference(korea_html: str) -> None:
    s = scan(korea_html)
    assert s.external == []
    # nothing in the stylesheet or markup outside the inlined plotly.js loads a remote resource
    outside_js = re.sub(r"<script>.*?</script>", "", korea_html, flags=re.S)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", outside_js, re.I)
    assert not re.search(r"@import", outside_js)
    assert "cdn.plot.ly/plotly" not in outside_js


def test_plotly_is_inlined_once_and_size_is_reasonable(korea_html: str) -> None:
    import plotly.offline

    js = plotly.offline.get_plotlyjs()
    assert korea_html.count(js[:200]) == 1
    assert len(korea_html.encode()) < 15_000_000


@pytest.mark.parametrize("engine", list(ENGINES))
def test_figure_per_engine_or_a_clear_box(engine: str, korea_html: str, korea_results: Results) -> None:
    tag, section = ENGINES[engine]
    s = scan(korea_html)
    figs = [p for p in s.plots if p.get("data-engine") == tag]
    part = {"forecast": None, "protocol": korea_results.protocol, "ledger": korea_results.ledger,
            "sweep": korea_results.sweep, "sensitivity": korea_results.sensitivity}[engine]
    # every engine runs on korea-2019: a failure is a failure here (the boxes shown for engines that fail
    # are checked with broken engines in test_report_parts.py::test_failing_engines_give_boxes_not_errors)
    if part is None:
        assert korea_results.runs, "no forecast model ran"
    else:
        assert part.ok, f"{engine} failed on korea-2019: {part.error}"
    assert figs, f"{engine} ran but the report has no figure for it"
    assert all(p["section"] in (section, "glance", "outcomes") for p in figs)
    assert not [u for u in s.unavailable if u.startswith(f"[{section}]")], f"{engine} ran but a box says not"


def test_each_figure_has_its_json(korea_html: str) -> None:
    s = scan(korea_html)
    assert len(s.plots) >= 9  # positions, comparison, 7 trajectories at least
    for p in s.plots:
        m = re.search(rf'<script type="application/json" id="{p["data-figure"]}">(.*?)</script>', korea_html, re.S)
        assert m, p
        import json

        fig = json.loads(m.group(1))
        assert fig["data"], p["id"]


def test_every_quote_and_estimate_is_shown(korea_html: str, korea: allied.Scenario) -> None:
    text = _norm(html.unescape(scan(korea_html).plain))
    quotes = [st.evidence.quote for st in korea.stances if st.evidence and st.evidence.quote]
    assert len(quotes) >= 10
    for q in quotes:
        assert _norm(q) in text, q
    estimates = [st for st in korea.stances if not (st.evidence and st.evidence.quote)]
    # every estimate carries its note; the evidence table flags it
    for st in estimates:
        assert st.evidence is not None and st.evidence.note
        assert _norm(st.evidence.note) in text
    evidence = korea_html[korea_html.index('id="evidence"'):korea_html.index('id="forecast"')]
    assert evidence.count('class="badge est"') >= len(estimates)
    # scale labels of every issue
    for iss in korea.issues:
        for label in iss.labels.values():
            assert _norm(label) in text


def test_key_table_matches_a_hand_computed_weighted_mean(korea_html: str) -> None:
    """sma_term, mean model: (100·45·1 + 35·40·5 + 40·10·5) / (100·45 + 35·40 + 40·10) = 13500/6300 = 2.143
    (capabilities, saliences and positions read from korea-2019.yaml by hand)."""
    fc = korea_html[korea_html.index('id="forecast"'):korea_html.index('id="protocol"')]
    row = re.search(r"<b>sma term</b>.*?</tr>", fc, re.S)
    assert row is not None
    assert "<td class=num>2.143</td>" in row.group(0)
    glance = korea_html[korea_html.index('id="glance"'):korea_html.index('id="evidence"')]
    row = re.search(r"<b>sma term</b>.*?</tr>", glance, re.S)
    assert row is not None and "<td class=num>2.14</td>" in row.group(0)


def test_glance_shows_the_dispute_and_the_ledger(korea_html: str) -> None:
    glance = html.unescape(korea_html[korea_html.index('id="glance"'):korea_html.index('id="evidence"')])
    # gap × salience_USA × salience_ROK, by hand from korea-2019.yaml: deal_structure 65·.75·.80 = 39.0 beats
    # auto_tariffs 100·.40·.65 = 26.0, sanctions_relief 30·.80·.75 = 18.0, sma_term 100·.45·.40 = 18.0
    assert "The dispute: deal structure" in glance
    assert "step-by-step" in glance and "big deal" in glance
    assert "830" in glance and "924" in glance  # the cost-sharing ledger facts
    assert "28,500" in glance


def test_outcomes_beside_forecasts(korea_html: str, korea: allied.Scenario, korea_results: Results) -> None:
    out = html.unescape(korea_html[korea_html.index('id="outcomes"'):korea_html.index('id="method"')])
    for o in korea.outcomes:
        assert _norm(o.description)[:60] in _norm(out)
    for m in korea_results.runs:
        assert f">{m}<" in out


def test_method_note_and_citations(korea_html: str) -> None:
    method = html.unescape(korea_html[korea_html.index('id="method"'):])
    assert "An Allied Approach To North Korea" in method
    assert "Olson" in method and "Stokman" in method and "Schelling" in method


def test_closest_model_to_each_numeric_outcome(korea_html: str) -> None:
    """The weighted median, by hand from korea-2019.yaml (weight = capability × salience):
    sanctions_relief: JPN 2600 at 5, USA 8000 at 10 → cumulative 10600 ≥ 20450/2, median 10, nearer the outcome
    (0) than the weighted mean (32.8). The 2019 deal's one-year term was signed before as_of: it is context,
    never a hit, so no model is named closest to it."""
    out = korea_html[korea_html.index('id="outcomes"'):korea_html.index('id="track"')]
    scored = out[:out.index("Context: known at the time")]
    row = scored[scored.index("No UN sanctions relief was granted."):].split("</tr>")[0]
    closest = re.findall(r"<td>([^<]*)</td>", row)[-1]
    assert "median" in closest.split(", ") and "mean" not in closest.split(", ")
    assert "The 2019 deal covered one year only." not in scored
    context = out[out.index("Context: known at the time"):]
    row = context[context.index("The 2019 deal covered one year only."):].split("</tr>")[0]
    assert "known at the time" in row


def test_protocol_conclusions_are_tested_against_the_sweep(korea_html: str, korea_results: Results) -> None:
    assert korea_results.protocol_sweep.ok, f"protocol sweep failed: {korea_results.protocol_sweep.error}"
    glance = html.unescape(korea_html[korea_html.index('id="glance"'):korea_html.index('id="evidence"')])
    n = korea_results.protocol_sweep.value["sample"].nunique()
    assert f"over {n} sampled weight sets" in glance
    sens = korea_html[korea_html.index('id="sensitivity"'):korea_html.index('id="outcomes"')]
    assert 'aria-label="protocol first choices over the sweep"' in sens
