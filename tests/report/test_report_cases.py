"""The report answers us-allies-burden's question in one sentence, with the figures the ledger computes."""

from __future__ import annotations

import json
import re

from allied.ledgers import ledger
from allied.report.sections import _exploitation


def test_burden_section_answers_with_rank_and_test() -> None:
    lj = json.loads(json.dumps(ledger("us-allies-burden").to_json()))
    text = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", _exploitation(lj)))
    assert "In 2024, larger allies do not carry significantly higher defence burdens" in text
    sp = lj["tests"]["by_year"]["2024"]["spearman"]
    assert f"one-sided p = {sp['pvalue']:.2f}, n = 34" in text
    # the rank and share recomputed here from the raw panel (defence / GDP at point values), not copied
    from allied.scenario import load
    from allied.scenario.uncertain import point

    rows = [r for r in load("us-allies-burden").alliance.panel
            if r.year == 2024 and r.defence is not None and r.gdp is not None]
    share = {r.member: point(r.defence) / point(r.gdp) for r in rows}
    rank = sorted(share, key=lambda m: -share[m]).index("ROK") + 1
    assert f"South Korea ranks {rank} of {len(rows)} in defence burden ({100 * share['ROK']:.2f} % of GDP)" in text


def test_no_panel_tests_no_section() -> None:
    assert _exploitation({"tests": {"warning": "two members"}}) == ""
