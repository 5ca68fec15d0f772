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
