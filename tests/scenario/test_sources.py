"""Quote verification against source files: statuses, the normalisation, readers, hashes, the CLI."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from allied.cli import app
from allied.scenario import load
from allied.scenario.sources import find, normalise, read_source, verify
from sources_helpers import HTML_PAGE, pdf_bytes, scenario

runner = CliRunner()
ARTICLE_NAME = "allied-approach-to-north-korea-2019.txt"

TEXT = (
    "Talks on burden sharing resumed in Seoul.\n\n"
    "Until 2018, South Korea contributed US$ 830 million of the total cost. Dissatisfied with this figure,\n"
    "Trump has since pushed South Korea to contribute US$ 924 million. The allies\u2019 negoti-\n"
    "ations ran for ten rounds, and Seoul called the demand \u201cexcessive\u201d \u2013 a word\n"
    "its envoy repeated.\n"
)


def check(quote: str, text: str = TEXT):
    return find(quote, normalise(text), text)


# --- the normalisation and the matcher (hand-made texts: the expected status is read off the text) -----

def test_exact_quote_verifies_with_offset_into_the_original_text() -> None:
    m = check("Trump has since pushed South Korea to contribute US$ 924 million.")
    assert m.status == "verified"
    assert TEXT[m.start:m.end] == "Trump has since pushed South Korea to contribute US$ 924 million."


def test_one_word_changed_is_misquoted_with_the_sources_words_and_the_difference() -> None:
    m = check("Trump has since pushed South Korea to pay US$ 924 million.")
    assert m.status == "misquoted"
    assert m.score >= 90
    assert "contribute" in (m.source_words or "")
    assert m.difference == "'pay' where the source has 'contribute'"


def test_unrelated_sentence_is_not_found() -> None:
    assert check("Japan agreed to double its payments for the bases at Okinawa.").status == "not_found"


def test_quote_across_a_line_break_with_hyphenation() -> None:
    m = check("The allies' negotiations ran for ten rounds")
    assert m.status == "verified"
    assert "negoti-\nations" in TEXT[m.start:m.end]


def test_curly_and_straight_quotes_and_dashes_are_the_same() -> None:
    assert check('Seoul called the demand "excessive" - a word its envoy repeated').status == "verified"
    curly_text = "He said \u201cno\u201d to the \u2018fair share\u2019."
    assert check("He said \"no\" to the 'fair share'.", curly_text).status == "verified"


def test_line_breaks_and_runs_of_spaces_are_one_space() -> None:
    assert check("Dissatisfied with this figure, Trump has since pushed").status == "verified"
    assert check("Dissatisfied   with this\tfigure,\nTrump").status == "verified"


def test_ellipsis_matches_omitted_text_in_order() -> None:
    assert check("South Korea contributed US$ 830 million ... Trump has since pushed South Korea").status \
        == "verified"
    assert check("South Korea contributed \u2026 US$ 924 million.").status == "verified"
    assert check("South Korea contributed [...] 924 million").status == "verified"
    # the parts exist, but in the other order: not a faithful quote
    assert check("Trump has since pushed ... South Korea contributed US$ 830 million").status != "verified"


def test_ligatures_soft_hyphens_and_non_breaking_spaces() -> None:
    text = "The \ufb01nal o\ufb00er was US$\u00a0924\u00a0mil\u00adlion."
    assert check("The final offer was US$ 924 million.", text).status == "verified"


# --- readers ---------------------------------------------------------------------------------------------

def test_pdf_source_is_read_with_pypdf_and_quotes_span_its_line_breaks(tmp_path: Path) -> None:
    pdf = tmp_path / "talks.pdf"
    pdf.write_bytes(pdf_bytes(["The allies agreed on a one-year deal after long negoti-",
                               "ations in Seoul, the ministry said."]))
    src = read_source(pdf)
    assert src.kind == "pdf"
    assert src.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    path = scenario(tmp_path, {"path": "talks.pdf"}, ["a one-year deal after long negotiations in Seoul"])
    res = verify(load(path), path)
    assert [q.status for q in res.quotes] == ["verified"]


def test_html_source_keeps_the_article_and_drops_scripts_and_navigation(tmp_path: Path) -> None:
    (tmp_path / "talks.html").write_text(HTML_PAGE, "utf-8")
    text = read_source(tmp_path / "talks.html").text
    assert "Host-nation support talks resume" in text
    assert "hidden" not in text and "World news menu" not in text and "cookie" not in text
    path = scenario(tmp_path, {"path": "talks.html"}, [
        "Tokyo would not accept a fourfold increase in its host-nation support",
        'The US side asked for "a fairer share" of the costs',
        "Tokyo agreed to pay everything at once",  # only in a <script>: not the article
    ])
    res = verify(load(path), path)
    assert [q.status for q in res.quotes] == ["verified", "verified", "not_found"]
    assert res.quotes[1].paragraph == 3


# --- the built-in scenario against the seed article --------------------------------------------------------

def test_every_korea_2019_quote_verifies_against_the_seed_article(shared: Path) -> None:
    sc = load("korea-2019")
    res = verify(sc, None, [shared / "sources"])
    assert len(res.quotes) >= 21  # stances, issues and the alliance ledger
    bad = [(q.loc, q.status, q.difference) for q in res.quotes if q.status != "verified"]
    assert bad == []
    assert res.sources["mishra2019"].status == "ok"  # the recorded sha256 is the article's
    article = (shared / "sources" / ARTICLE_NAME).read_text("utf-8")
    for q in res.quotes:
        assert q.offset is not None and q.end is not None
        assert normalise(article[q.offset:q.end]).text == normalise(q.quote).text
        assert article[:q.offset].count("\n\n") + 1 == q.paragraph


def test_validate_korea_2019_with_the_source_folder_verifies_every_quote(shared: Path) -> None:
    r = runner.invoke(app, ["validate", "korea-2019", "--source-dir", str(shared / "sources")])
    assert r.exit_code == 0, r.output
    assert re.search(r"quotes: 23 verified", " ".join(r.output.split()))


def test_validate_without_the_source_warns_naming_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLIED_SOURCES", raising=False)
    r = runner.invoke(app, ["validate", "korea-2019"])
    assert r.exit_code == 0
    out = " ".join(r.output.split())
    assert "source not at hand" in out and ARTICLE_NAME in out


def test_source_folder_from_the_environment(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIED_SOURCES", str(shared / "sources"))
    res = verify(load("korea-2019"))
    assert {q.status for q in res.quotes} == {"verified"}


# --- the CLI on files the tests write ----------------------------------------------------------------------

def test_validate_reports_a_misquote_as_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(TEXT, "utf-8")
    path = scenario(tmp_path, {"path": "article.txt"},
                    ["Trump has since pushed South Korea to contribute US$ 924 million.",
                     "Trump has since pushed South Korea to pay US$ 924 million."])
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    out = " ".join(r.output.split())
    assert "stances[1].evidence.quote" in out and "misquoted" in out
    assert "'pay' where the source has 'contribute'" in out
    assert "stances[0]" not in out
    assert runner.invoke(app, ["validate", str(path), "--no-sources"]).exit_code == 0


def test_not_found_quote_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(TEXT, "utf-8")
    path = scenario(tmp_path, {"path": "article.txt"}, ["Japan agreed to double its payments for the bases."])
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert "quote not found" in " ".join(r.output.split())


def test_changed_source_file_is_noticed_through_its_hash(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, "utf-8")
    path = scenario(tmp_path, {"path": "article.txt"}, ["Trump has since pushed South Korea"])
    r = runner.invoke(app, ["validate", str(path), "--record-hashes"])
    assert r.exit_code == 0, r.output
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    assert f"sha256: {digest}" in path.read_text("utf-8")
    assert load(path).sources[0].sha256 == digest
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    article.write_text(TEXT.replace("ten rounds", "eleven rounds"), "utf-8")  # the quote itself still matches
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    out = " ".join(r.output.split())
    assert "sources[0].sha256" in out and "has changed" in out
    # re-recording after review accepts the new text
    assert runner.invoke(app, ["validate", str(path), "--record-hashes"]).exit_code == 0
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_bad_source_fields_are_located_errors(tmp_path: Path) -> None:
    path = scenario(tmp_path, {"path": "article.docx"}, ["x"])
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and ".txt, .md, .html or .pdf" in " ".join(r.output.split())
    path = scenario(tmp_path, {"path": "a.txt", "sha256": "abc"}, ["x"], name="b.yaml")
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and "sources[0].sha256" in r.output and "sha256sum" in " ".join(r.output.split())


# --- an invariant: any run of whole words of a text is found in it, at its own place ------------------------

_CHARS = "abcXYZ019 ,.;:'\"\u2018\u2019\u201c\u201d-\u2013\u2014\u00a0\u00ad\ufb01\n"


@given(st.text(alphabet=_CHARS, min_size=1, max_size=80), st.data())
def test_any_run_of_whole_words_is_verified_at_its_place(text: str, data: st.DataObject) -> None:
    starts = [i for i in range(len(text)) if not text[i].isspace() and (i == 0 or text[i - 1].isspace())]
    ends = [i + 1 for i in range(len(text)) if not text[i].isspace() and (i + 1 == len(text) or text[i + 1].isspace())]
    if not starts:
        return
    a = data.draw(st.sampled_from(starts))
    later = [e for e in ends if e > a]
    b = data.draw(st.sampled_from(later))
    quote = text[a:b]
    norm = normalise(quote).text
    if not norm.strip(" .") or "." * 3 in norm:  # nothing to find, or an ellipsis (which means omitted text)
        return
    m = find(quote, normalise(text), text)
    assert m.status == "verified"
    assert m.start is not None and m.end is not None
    assert normalise(text[m.start:m.end]).text == norm
