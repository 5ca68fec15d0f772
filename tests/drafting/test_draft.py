"""Drafting evidence from sources: the seed article against korea-2019's skeleton, a hand-written news
report on another alliance, the CLI and ``allied draft accept``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allied.cli import app
from allied.drafting.draft import draft
from allied.drafting.gazetteer import country_names
from allied.drafting.mentions import ActorMatcher
from allied.scenario import load
from allied.scenario.load import load_data
from allied.scenario.sources import find, normalise, read_source
from allied.scenario.validate import from_data

runner = CliRunner()
ARTICLE = "allied-approach-to-north-korea-2019.txt"


def korea_skeleton(tmp: Path) -> Path:
    """korea-2019's actors and issues (their aliases and keywords as shipped), every stance removed."""
    data, _, _ = load_data("korea-2019")
    data = {k: v for k, v in data.items() if k not in ("stances", "alliance", "protocol", "outcomes")}
    path = tmp / "skeleton.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


@pytest.fixture
def seed(shared: Path) -> Path:
    return shared / "sources" / ARTICLE


# --- the seed article ---------------------------------------------------------------------------------------

def test_seed_quotes_are_among_the_top_three_of_their_pair(seed: Path, tmp_path: Path) -> None:
    sc = load("korea-2019")
    _, entries = draft(korea_skeleton(tmp_path), [seed], tmp_path / "draft.yaml", top=3)
    quoted = [s for s in sc.stances if s.evidence and s.evidence.quote]
    assert len(quoted) == 12
    hits = []
    for st in quoted:
        assert st.evidence is not None and st.evidence.quote is not None
        q = normalise(st.evidence.quote).text
        pair = [e for e in entries if (e["actor"], e["issue"]) == (st.actor, st.issue)]
        assert [e["rank"] for e in pair] == list(range(1, len(pair) + 1)) and len(pair) <= 3
        hits.append(any(q in normalise(e["quote"]).text for e in pair))
    assert sum(hits) >= 10, [(s.actor, s.issue) for s, h in zip(quoted, hits, strict=True) if not h]


def test_every_drafted_quote_is_verbatim_with_its_offset(seed: Path, tmp_path: Path) -> None:
    _, entries = draft(korea_skeleton(tmp_path), [seed], None, top=2)
    text = read_source(seed)
    norm = normalise(text.text)
    for e in entries:
        m = find(e["quote"], norm, text.text)
        assert m.status == "verified" and m.start == e["offset"]
        assert text.paragraph(e["offset"]) == e["paragraph"]


def test_ledger_figures_are_extracted_with_units_and_the_misprint_is_flagged(seed: Path, tmp_path: Path) -> None:
    _, entries = draft(korea_skeleton(tmp_path), [seed], None, top=5)
    seen = {(q["value"], q["unit"]) for e in entries for q in e["quantities"]}
    for figure in [(830, "US$ million"), (924, "US$ million"), (27.6, "US$ billion"), (25, "%"), (3, "rank")]:
        assert figure in seen, figure
    troops = [q for e in entries for q in e["quantities"] if q["unit"] == "troops"]
    assert troops and all(q["value"] is None and "2,8,500" in q["flag"] for q in troops)


def test_names_introduced_with_a_title_become_aliases(seed: Path) -> None:
    sc = load("korea-2019")
    m = ActorMatcher(sc.actors, [seed.read_text("utf-8")])
    assert m.discovered.get("Moon") == "ROK" and m.discovered.get("Trump") == "USA"
    found = m.find("Dissatisfied with this figure, Trump has since pushed South Korea to contribute US$ 924 million.")
    assert [(x.actor, x.subject) for x in found] == [("USA", True), ("ROK", False)]


# --- another alliance, written for this test -----------------------------------------------------------------

NEWS = "\n\n".join([
    "NATO allies meet in Brussels as spending row deepens",
    "German Chancellor Olaf Scholz said on Monday that Germany would reach the alliance target of 2 per "
    "cent of GDP on defence by 2024.",
    "US Defence Secretary Lloyd Austin urged the allies to spend more. He said that 2 per cent of GDP "
    "should be a floor, not a ceiling. Washington expects 3 per cent from its largest partners.",
    "The weather in Brussels was mild and the meeting started late.",
    "Washington has about 35,000 troops stationed in Germany, and the Pentagon plans to withdraw 12,000 "
    "of them over two years.",
    "Polish President Andrzej Duda said Warsaw would spend 4 per cent of GDP on defence this year and "
    "offered to host more American soldiers at a new base.",
    "Scholz rejected calls for a higher spending target.",
])

SKELETON = {
    "allied": 1, "id": "nato-spending", "title": "Allied defence spending",
    "actors": [{"id": "USA", "name": "United States", "capability": 100},
               {"id": "DEU", "name": "Germany", "capability": 40},
               {"id": "POL", "name": "Poland", "capability": 20}],
    "issues": [{"id": "spending", "name": "Defence spending target", "scale": [1, 5], "units": "% of GDP",
                "labels": {1: "1 %", 2: "the 2 % guideline", 5: "5 %"}},
               {"id": "us_troops", "name": "US forces stationed in Germany", "scale": [0, 40000],
                "units": "troops", "keywords": ["withdraw", "stationed"]}],
}


def write_case(tmp: Path) -> tuple[Path, Path]:
    (tmp / "news.txt").write_text(NEWS, "utf-8")
    (tmp / "skeleton.yaml").write_text(yaml.safe_dump(SKELETON, sort_keys=False), "utf-8")
    return tmp / "news.txt", tmp / "skeleton.yaml"


def test_drafting_is_general_on_another_alliance(tmp_path: Path) -> None:
    news, skel = write_case(tmp_path)
    _, entries = draft(skel, [news], tmp_path / "draft.yaml", top=4)
    best = {(e["actor"], e["issue"]): e for e in entries if e["rank"] == 1}
    assert best[("DEU", "spending")]["quote"].startswith("German Chancellor Olaf Scholz said")
    assert best[("POL", "spending")]["quote"].startswith("Polish President Andrzej Duda said")
    us = [e["quote"] for e in entries if (e["actor"], e["issue"]) == ("USA", "spending")]
    assert any(q.startswith("He said that 2 per cent of GDP should be a floor") for q in us)  # carried from "US"
    assert any(q.startswith("Washington expects 3 per cent") for q in us)
    troops = best[("USA", "us_troops")]
    assert troops["quote"].startswith("Washington has about 35,000 troops")
    assert {"value": 35000, "unit": "troops", "text": "35,000 troops", "kind": "count"} in troops["quantities"]
    assert troops["side"]["end"] == "high"  # 35,000 on [0, 40000]
    assert not any("weather" in e["quote"] for e in entries)


def test_html_and_pdf_sources_are_drafted_too(tmp_path: Path) -> None:
    from sources_helpers import pdf_bytes

    _, skel = write_case(tmp_path)
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in NEWS.split("\n\n")) + "</article></body></html>"
    (tmp_path / "news.html").write_text(html, "utf-8")
    (tmp_path / "news.pdf").write_bytes(pdf_bytes(["Polish President Andrzej Duda said Warsaw would spend 4 per",
                                                   "cent of GDP on defence this year."]))
    data, entries = draft(skel, [tmp_path / "news.html", tmp_path / "news.pdf"], tmp_path / "d.yaml", top=3)
    assert {s["id"] for s in data["sources"]} == {"news", "news-2"}
    pol = [e for e in entries if (e["actor"], e["issue"]) == ("POL", "spending")]
    assert {e["source"] for e in pol} == {"news", "news-2"}


def test_subjects_and_names_in_sentences() -> None:
    m = ActorMatcher(load("korea-2019").actors)

    def who(text: str) -> list[tuple[str, bool]]:
        return [(x.actor, x.subject) for x in m.find(text)]

    assert who("Washington and Seoul agreed on a deal with Tokyo.") == [("USA", True), ("ROK", True), ("JPN", False)]
    assert who("Japan, South Korea and the US said that China must act.") == [
        ("JPN", True), ("ROK", True), ("USA", True), ("CHN", False)]
    assert who("Talks with Pyongyang stalled, and the US blamed Beijing.") == [
        ("PRK", False), ("USA", True), ("CHN", False)]
    assert who("South Korea paid US$ 924 million; us and them.") == [("ROK", True)]  # "US$" is money, "us" a word
    assert who("North Korea's missiles worried South Korean officials.") == [("PRK", True), ("ROK", False)]


# --- gazetteer -------------------------------------------------------------------------------------------------

def test_gazetteer_gives_countries_their_obvious_names() -> None:
    assert {"South Korea", "Seoul", "South Korean", "ROK"} <= set(country_names("ROK", "South Korea (Moon)"))
    assert {"Washington", "United States", "US", "American"} <= set(country_names("USA", "United States"))
    assert {"Berlin", "German", "Germany"} <= set(country_names("GER", "Germany"))
    assert "Lithuania" in country_names("LT", "x")  # an ISO alpha-2 code, through pycountry
    assert "Kingdom of Norway" in country_names("NOR", "Norway")  # ISO official name
    assert country_names("SMA", "Special Measures Agreement negotiators") == []
    assert "Tokyo" in country_names("JGOV", "the Japanese government")
    assert country_names("USFK", "US Forces Korea") == []  # an institution of one country is not the country


# --- the CLI ---------------------------------------------------------------------------------------------------

def test_cli_writes_a_draft_file_every_engine_ignores(tmp_path: Path) -> None:
    news, skel = write_case(tmp_path)
    out = tmp_path / "draft.yaml"
    r = runner.invoke(app, ["draft", str(news), "--skeleton", str(skel), "-o", str(out), "--top", "2"])
    assert r.exit_code == 0, r.output
    data, lines, _ = load_data(out)
    sc = from_data(data, lines, str(out), skeleton=True)
    assert sc.drafts and all(d.rank <= 2 for d in sc.drafts)
    assert sc.sources[0].path == "news.txt" and sc.sources[0].sha256
    r = runner.invoke(app, ["draft", str(news), "--skeleton", str(skel), "--format", "json", "--top", "2"])
    assert r.exit_code == 0
    entries = json.loads(r.output)["drafts"]
    assert {"id", "actor", "issue", "rank", "quote", "source", "offset", "score", "quantities"} <= set(entries[0])
    assert [e["id"] for e in entries] == [d.id for d in sc.drafts]


def test_drafts_do_not_change_a_forecast(tmp_path: Path) -> None:
    import allied

    data, _, _ = load_data("korea-2019")
    data["drafts"] = [{"id": "USA.cost_sharing.1", "actor": "USA", "issue": "cost_sharing", "rank": 1,
                       "quote": "Trump has since pushed South Korea", "source": "mishra2019", "offset": 866,
                       "score": 1.0, "quantities": [{"value": 924, "unit": "US$ million", "text": "US$ 924 million"}]}]
    path = tmp_path / "with-drafts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    a = allied.forecast(allied.load("korea-2019"), models=["mean", "eum"]).frame()
    b = allied.forecast(allied.load(path), models=["mean", "eum"]).frame()
    assert a.equals(b)


def test_accept_promotes_a_draft_and_never_invents_a_number(tmp_path: Path) -> None:
    news, skel = write_case(tmp_path)
    out = tmp_path / "draft.yaml"
    assert runner.invoke(app, ["draft", str(news), "--skeleton", str(skel), "-o", str(out)]).exit_code == 0
    r = runner.invoke(app, ["draft", "accept", "USA.us_troops.1", str(out)])
    assert r.exit_code == 2
    msg = " ".join(r.output.split())
    assert "never invents" in msg and "--position" in msg and "35,000 troops" in msg
    assert not yaml.safe_load(out.read_text()).get("stances")
    r = runner.invoke(app, ["draft", "accept", "USA.spending.1", str(out), "--position", "3", "--salience", "60"])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text())
    stance = next(s for s in data["stances"] if (s["actor"], s["issue"]) == ("USA", "spending"))
    assert stance["position"] == 3 and stance["salience"] == 60
    first = stance["evidence"]["quote"]
    assert "USA.spending.1" not in {d["id"] for d in data["drafts"]}
    # an existing stance keeps its numbers and its note; only the evidence changes
    stance["evidence"]["note"] = "my reasoning"
    out.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert runner.invoke(app, ["draft", "accept", "USA.spending.2", str(out)]).exit_code == 0
    stance2 = next(s for s in yaml.safe_load(out.read_text())["stances"] if s["issue"] == "spending")
    assert stance2["position"] == 3 and stance2["evidence"]["note"] == "my reasoning"
    assert stance2["evidence"]["quote"] != first
    r = runner.invoke(app, ["draft", "accept", "NOPE.1", str(out)])
    assert r.exit_code == 2 and "no draft with id" in r.output


def test_cli_bad_input_is_a_located_error(tmp_path: Path) -> None:
    news, skel = write_case(tmp_path)
    r = runner.invoke(app, ["draft", str(news)])
    assert r.exit_code == 2 and "--skeleton" in r.output
    r = runner.invoke(app, ["draft", str(tmp_path / "missing.txt"), "--skeleton", str(skel)])
    assert r.exit_code == 2 and "no such source file" in r.output
    (tmp_path / "notes.docx").write_bytes(b"PK")
    r = runner.invoke(app, ["draft", str(tmp_path / "notes.docx"), "--skeleton", str(skel)])
    assert r.exit_code == 2 and ".txt, .md, .html or .pdf" in " ".join(r.output.split())
    r = runner.invoke(app, ["draft", str(news), "--skeleton", str(skel), "--top", "0"])
    assert r.exit_code == 2


def test_sources_dated_after_as_of_give_no_candidates(tmp_path: Path) -> None:
    """No look-ahead: a source dated after the skeleton's as_of is not drafted from (a dated-before one is,
    and an undated one is kept); the CLI says which source was left out and why."""
    news, _ = write_case(tmp_path)
    (tmp_path / "later.txt").write_text(NEWS.replace("Scholz", "Merz"), "utf-8")
    skel = {**SKELETON, "as_of": "2023-06-30",
            "sources": [{"id": "news", "title": "news", "path": "news.txt", "date": "2023-06"},
                        {"id": "later", "title": "later", "path": "later.txt", "date": "2023-07-01"}]}
    (tmp_path / "skeleton.yaml").write_text(yaml.safe_dump(skel, sort_keys=False), "utf-8")
    _, entries = draft(tmp_path / "skeleton.yaml", [news, tmp_path / "later.txt"], None, top=3)
    assert entries and {e["source"] for e in entries} == {"news"}
    assert not any("Merz" in e["quote"] for e in entries)
    r = CliRunner().invoke(app, ["draft", str(news), str(tmp_path / "later.txt"), "--skeleton",
                                 str(tmp_path / "skeleton.yaml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "no candidates from later: dated after the scenario's as_of" in r.output
