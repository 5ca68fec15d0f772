"""Item 17 of issue 20: no CSV the project writes holds a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from adversarial_helpers import BASE, cli

from allied.serialise import FORMULA_START, spreadsheet_text

EVIL = ["=cmd|' /C calc'!A0", "+SUM(1;2)", "@HYPERLINK(\"http://x\")", "-2+3", "\t=1+1"]


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("evil", EVIL)
def test_item17_ktab_export_escapes_formula_cells(write, evil: str) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("title: Base case", f"title: {evil!r}").replace("description: Two actors, one issue.",
                                                                       f"description: {evil!r}")
    body = body.replace("{id: A, name: Alpha, capability: 10}", f"{{id: A, name: Alpha, capability: 10, "
                                                                  f"description: {evil!r}}}")
    body = body.replace("{id: x, name: Tax,", "{id: '-x', name: Tax,").replace("issue: x,", "issue: '-x',")
    r = cli("export", write(body), "--to", "ktab-csv")
    assert r.code == 0, r.text
    cells = _cells(r.out)
    texts = [c for c in cells if c and not _number(c)]
    assert texts and not [c for c in texts if c.startswith(FORMULA_START)], texts


def _number(c: str) -> bool:
    try:
        float(c)
    except ValueError:
        return False
    return True


def test_item17_forecast_csv_escapes_formula_cells(write) -> None:  # type: ignore[no-untyped-def]
    body = BASE.replace("{id: A,", "{id: '-A',").replace("actor: A,", "actor: '-A',")
    r = cli("forecast", write(body), "-m", "mean", "--format", "csv")
    assert r.code == 0, r.text
    texts = [c for c in _cells(r.out) if c and not _number(c)]
    assert "'-A" in texts and not [c for c in texts if c.startswith(FORMULA_START)]


def test_item17_numbers_are_left_alone() -> None:
    assert spreadsheet_text("Alpha") == "Alpha"
    assert spreadsheet_text("=1") == "'=1"
