"""Item 19 of issue 20: valid but probably unintended input gets a warning (exit 0): saliences all on a
0–1 scale, and analyst estimates given as one number without a range."""

from __future__ import annotations

from adversarial_helpers import BASE, cli


def test_item19_saliences_on_0_1_scale_warned(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE.replace("salience: 50", "salience: 0.5").replace("salience: 60", "salience: 0.6")))
    assert r.code == 0, r.text
    assert "warning" in r.err and "every salience is 1 or less" in r.flat


def test_item19_single_number_estimate_warned(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", write(BASE))
    assert r.code == 0 and "single number, without a range (and 1 more)" in r.flat


def test_item19_ranges_and_quotes_not_warned(write) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("position: 20, salience: 50, evidence: {note: guess}",
                        "position: {low: 10, high: 30}, salience: 50, evidence: {note: guess}")
    body = body.replace("position: 80, salience: 60, evidence: {note: guess}",
                        "position: 80, salience: 60, evidence: {source: src, quote: 'eighty'}")
    r = cli("validate", write(body))
    assert r.code == 0 and "warning" not in r.err


def test_item19_forecast_warns_too_and_keeps_json_clean(write) -> None:  # type: ignore[no-untyped-def]
    """The analyst who never runs validate sees the warning where the numbers are made; JSON stays parseable."""
    import json

    path = write(BASE.replace("salience: 50", "salience: 0.5").replace("salience: 60", "salience: 0.6"))
    r = cli("forecast", path, "--model", "mean", "--format", "json")
    assert r.code == 0, r.text
    assert "every salience is 1 or less" in r.flat and "warning" in r.err
    assert json.loads(r.out)["models"]["mean"]["issues"]["x"]["forecast"] is not None


def test_outcome_outside_its_scale_warned(write) -> None:  # type: ignore[no-untyped-def]
    """An outcome of 1000 on a 0–100 issue (units slipped) is scored at 918 % of scale: warn, with its line."""
    body = BASE + ("as_of: 2020-01-01\noutcomes:\n"
                   "  - {id: o1, description: settled, issue: x, value: 1000, date: 2021-01-01, source: src}\n"
                   "  - {id: o2, description: settled, issue: x, value: 100, date: 2021-02-01, source: src}\n")
    r = cli("validate", write(body))
    assert r.code == 0, r.text
    assert "outcome 1000 lies outside issue 'x''s scale 0..100" in r.flat
    assert "outcomes[0].value" in r.flat and "case.yaml:17" in r.flat  # the line of the outcome
    assert "outcome 100 " not in r.flat  # the scale's own end is on the scale
