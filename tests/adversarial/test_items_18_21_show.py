"""Items 18 and 21 of issue 20: ``allied show`` without a description, notes on quoted stances, large
numbers written out, and "reads as" for numeric scales."""

from __future__ import annotations

from adversarial_helpers import BASE, cli


def test_item18_show_without_description(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("show", write(BASE.replace("description: Two actors, one issue.\n", "")))
    assert r.code == 0, r.text
    assert "Base case (base)" in r.out
    assert "None" not in r.out
    assert "Ba\n" not in r.out


def test_item21_show_keeps_note_on_quoted_stances_and_writes_numbers_out(write) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("capability: 20}", "capability: 28500}").replace(
        "salience: 50, evidence: {note: guess}",
        "salience: 50, evidence: {source: src, quote: 'We will not pay', note: read as a firm no}")
    r = cli("show", write(body))
    assert r.code == 0, r.text
    assert "28,500" in r.out and "e+04" not in r.out
    assert "We will not pay" in r.out and "firm no" in r.out


def test_item21_reads_as_for_numeric_scales(write) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("{id: x, name: Tax, scale: [0, 100]}", "{id: x, name: Tax, scale: [0, 100], units: '%'}")
    r = cli("forecast", write(body), "-m", "mean")
    assert r.code == 0, r.text
    assert "% of the way from 0 to 100" in " ".join(r.out.split())
