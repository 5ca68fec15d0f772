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
    assert "South Korea ranks 7 of 34 in defence burden (2.56 % of GDP)" in text


def test_no_panel_tests_no_section() -> None:
    assert _exploitation({"tests": {"warning": "two members"}}) == ""
