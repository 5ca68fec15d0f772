"""The web app shows each quote's verification and its passage, lists drafts, and accepts one in a click."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml
from fastapi.testclient import TestClient

from allied.scenario.load import load_data
from allied.web import create_app

BASE = "http://127.0.0.1:8765"  # as tests/web/conftest.py's client
ARTICLE = "allied-approach-to-north-korea-2019.txt"


def test_quotes_show_their_status_and_passage(folder: Path, shared: Path) -> None:
    app = create_app(folder, source_dirs=[shared / "sources"])
    with TestClient(app, base_url=BASE) as c:
        html = c.get("/scenarios/korea-2019").text
    assert html.count("quote-verified") >= 12
    assert "23 verified" in html  # 21 stance and item quotes, and two reservation points
    assert "<mark>Dissatisfied with this figure, Trump has since pushed South Korea to contribute US$ 924 million." \
           "</mark>" in html


def test_without_the_source_the_page_says_so(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ALLIED_SOURCES", raising=False)
    html = client.get("/scenarios/korea-2019").text
    assert "source not at hand" in html and "<mark>" not in html


def test_a_misquote_is_marked_with_the_difference(folder: Path, shared: Path, client: TestClient) -> None:
    data, _, _ = load_data("korea-2019")
    data["stances"][0]["evidence"]["quote"] = "Dissatisfied with this figure, Trump has since pushed South Korea " \
                                              "to pay US$ 924 million."
    data["sources"][0]["path"] = ARTICLE
    del data["sources"][0]["sha256"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "k.work.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    shutil.copy(shared / "sources" / ARTICLE, folder / ARTICLE)
    html = client.get("/scenarios/k.work.yaml").text
    assert "quote-misquoted" in html and "&#39;pay&#39; where the source has &#39;contribute&#39;" in html


def test_drafts_are_listed_and_accepted_in_one_click(folder: Path, client: TestClient,
                                                     post: Callable[..., httpx.Response], work: str) -> None:
    path = folder / work
    data = yaml.safe_load(path.read_text("utf-8"))
    data["drafts"] = [
        {"id": "USA.cost_sharing.1", "actor": "USA", "issue": "cost_sharing", "rank": 1,
         "quote": "Trump has since pushed South Korea to contribute US$ 924 million.", "source": "mishra2019",
         "offset": 897, "paragraph": 6, "score": 7.1,
         "quantities": [{"value": 924, "unit": "US$ million", "text": "US$ 924 million", "kind": "money"}]},
        {"id": "CHN.cost_sharing.1", "actor": "CHN", "issue": "cost_sharing", "rank": 1,
         "quote": "Until 2018, South Korea contributed US$ 830 million", "source": "mishra2019",
         "offset": 760, "paragraph": 6, "score": 2.0, "quantities": []}]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    html = client.get(f"/scenarios/{work}").text
    assert "Drafted evidence (2 candidates)" in html and "US$ 924 million = 924 US$ million" in html
    r = post(f"/scenarios/{work}/drafts/accept", data={"id": "USA.cost_sharing.1"})
    assert r.status_code == 303, r.text
    after = yaml.safe_load(path.read_text("utf-8"))
    stance = next(s for s in after["stances"] if (s["actor"], s["issue"]) == ("USA", "cost_sharing"))
    assert stance["evidence"]["quote"].startswith("Trump has since pushed")
    assert stance["position"] == data["stances"][0]["position"]  # numbers untouched
    # a new stance (China has none on cost_sharing) needs the analyst's own numbers
    r = post(f"/scenarios/{work}/drafts/accept", data={"id": "CHN.cost_sharing.1"})
    assert r.status_code == 422 and "never invents" in r.text
    r = post(f"/scenarios/{work}/drafts/accept", data={"id": "CHN.cost_sharing.1", "position": "1.05",
                                                         "salience": "10"})
    assert r.status_code == 303
    new = next(s for s in yaml.safe_load(path.read_text("utf-8"))["stances"] if s["actor"] == "CHN"
               and s["issue"] == "cost_sharing")
    assert new["position"] == 1.05 and new["salience"] == 10  # trillion won, the units


def test_drafts_of_a_built_in_cannot_be_accepted(post: Callable[..., httpx.Response]) -> None:
    r = post("/scenarios/korea-2019/drafts/accept", data={"id": "x"})
    assert r.status_code == 422 and "working copy" in r.text
