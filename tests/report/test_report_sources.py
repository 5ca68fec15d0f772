"""The report shows each quote's verification against its source and, on demand, the passage."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from allied.cli import app
from allied.report.html import evidence_cell, quote_status

runner = CliRunner()


def test_quote_status_badge_and_passage() -> None:
    check = {"status": "verified", "paragraph": 6, "passage": ("before <b> ", "the quote", " after")}
    html = evidence_cell("the quote", "src", None, {"src": "A source"}, check=check)
    assert 'class="badge verified"' in html and "¶6" in html
    assert "<details class='passage'>" in html and "<mark>the quote</mark>" in html
    assert "before &lt;b&gt;" in html  # the source's text is escaped
    bad = quote_status({"status": "misquoted", "difference": "'pay' where the source has 'contribute'",
                        "passage": ("a ", "to contribute", " b")})
    assert "misquoted" in bad and "&#x27;pay&#x27; where the source has" in bad
    assert "source not at hand" in quote_status({"status": "not_at_hand"})
    assert quote_status(None) == "" and "details" not in evidence_cell("q", "s", None, {})


def test_report_marks_every_korea_quote_verified(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = runner.invoke(app, ["report", "korea-2019", "-o", str(out), "--samples", "0",
                            "--source-dir", str(shared / "sources")])
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    assert html.count('class="badge verified"') >= 12 + 7  # the stances' and the ledger's quotes
    assert "badge misquoted" not in html and "badge not_found" not in html
    assert "<mark>Dissatisfied with this figure, Trump has since pushed South Korea to contribute US$ 924 million." \
           "</mark>" in html
