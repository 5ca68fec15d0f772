"""Every page of the web app over HTTP: what it shows, and that it matches the engines' own APIs."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from allied.api import forecast, load
from allied.models.registry import available
from allied.models.runner import fits_any


def cells(html: str) -> dict[tuple[str, str], str]:
    """(issue, model) -> shown text of the forecast table."""
    out = {}
    for row in re.finditer(r'<tr data-issue="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        for cell in re.finditer(r'<td class="num" data-model="([^"]+)">([^<]*)</td>', row.group(2)):
            out[(row.group(1), cell.group(1))] = cell.group(2).strip()
    return out


def shown(v: float) -> str:
    """How the forecast table writes a number (independent re-statement of its rule)."""
    return f"{v:,.0f}" if abs(v) >= 1000 else (f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}")


def test_index_lists_builtin_and_user_folder(client: TestClient, folder: Path) -> None:
    (folder / "mine.csv").write_text("actor,capability,position,salience\nA,10,20,50\nB,20,80,60\n")
    (folder / "broken.yaml").write_text("allied: 1\nid: [oops\n")
    (folder / "notes.md").write_text("not a scenario file type")
    r = client.get("/")
    assert r.status_code == 200
    assert 'href="/scenarios/korea-2019"' in r.text
    assert "US–South Korea alliance" in r.text
    assert 'href="/scenarios/mine.csv"' in r.text
    assert 'href="/scenarios/broken.yaml"' in r.text and "1 problem" in r.text
    assert "notes.md" not in r.text
    assert str(folder.resolve()) in r.text
    assert 'enctype="multipart/form-data"' in r.text


def test_scenario_view_shows_actors_issues_and_evidence(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019")
    assert r.status_code == 200
    sc = load("korea-2019")
    for a in sc.actors:
        assert f"<code>{a.id}</code>" in r.text
    for i in sc.issues:
        assert f'id="issue-{i.id}"' in r.text
    quotes = [s.evidence.quote for s in sc.stances if s.evidence and s.evidence.quote]
    assert len(quotes) >= 10
    for q in quotes:  # every verbatim quote is on the page (HTML-escaped)
        esc = q.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace(
            "'", "&#39;")
        assert esc in r.text, q
    assert "estimate" in r.text  # analyst estimates are flagged
    assert "0 – 10 – 20" in r.text  # the US sanctions_relief position range as written


def test_broken_user_file_shows_located_problems(client: TestClient, folder: Path) -> None:
    (folder / "bad.yaml").write_text("allied: 1\nid: bad\ntitle: t\nactors: []\nissues: []\nstances: []\nzzz: 1\n")
    r = client.get("/scenarios/bad.yaml")
    assert r.status_code == 422
    assert "zzz" in r.text and "bad.yaml:7" in r.text and "fix:" in r.text


def test_forecast_page_matches_the_api(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/forecast")
    assert r.status_code == 200
    got = cells(r.text)
    sc = load("korea-2019")
    api = forecast(sc, models=["all"]).frame()
    last = api.sort_values("round").groupby(["issue", "model"])["forecast"].last()
    # every model that fits at least one issue (bargain fits bilateral issues only)
    assert set(api["model"]) == {m for m in available() if fits_any(m, sc.forecast_input())}
    for (issue, model), v in last.items():
        assert got[(issue, model)] == shown(v), (issue, model)
    assert 'figure class="plot"' in r.text and "data-figure=" in r.text
    assert r.text.count("data-figure=") >= 3  # the report's two figures join ours
    assert '<script src="/static/plotly.min.js"' in r.text
    assert "Built-in scenarios are never changed" in r.text
    assert 'id="make-copy"' in r.text


def test_forecast_panel_plots_the_chosen_issue(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/forecast/panel", params={"issue": "sanctions_relief"})
    assert r.status_code == 200
    figs = [json.loads(html.unescape(m)) for m in re.findall(r'data-figure="([^"]*)"', r.text)]
    assert figs[0]["layout"]["title"]["text"] == "Sanctions relief for North Korea — forecast by round"
    assert '<option value="sanctions_relief" selected>' in r.text
    assert "<html" not in r.text  # a fragment for HTMX


def test_ledger_page(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/ledger")
    assert r.status_code == 200
    assert 'id="not-available"' not in r.text, "the ledger engine failed on korea-2019"
    assert "830" in r.text and "924" in r.text  # host-nation support 2018 and 2019, US$ million
    # korea-2019 has two allies: the page says why it shows no rank tests
    assert "rank tests need at least 8" in html.unescape(r.text)


def test_protocol_page(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/protocol")
    assert r.status_code == 200
    assert "Negotiating protocols compared" in r.text
    assert 'id="not-available"' not in r.text, "the protocol engine failed on korea-2019"
    from allied.protocols import compare

    c = compare(load("korea-2019").protocol)
    text = html.unescape(r.text)
    assert f"Chosen protocol ({c.chooser} decides): {c.chosen}." in text
    ranking = text[text.index("Each player's ranking"):]
    first = re.search(r"<tbody>\s*<tr>\s*<th>1</th>(.*?)</tr>", ranking, re.S)
    assert first is not None
    assert re.findall(r"<td>(.*?)</td>", first.group(1)) == [c.rankings[a][0] for a in c.rankings]
    assert r.text.count("data-figure=") >= 1


def test_engines_failing_at_run_time_show_not_available(client: TestClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.ledgers
    import allied.protocols

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(allied.protocols, "run", broken)
    monkeypatch.setattr(allied.ledgers, "run", broken)
    for tab in ("protocol", "ledger"):
        r = client.get(f"/scenarios/korea-2019/{tab}")
        assert r.status_code == 200
        assert 'id="not-available"' in r.text and "not available: RuntimeError: engine broke" in r.text


def test_failing_model_does_not_hide_the_others(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from allied.web import engines

    monkeypatch.setattr(engines, "model_names", lambda: ["mean", "no-such-model"])
    sc_yaml = client.get("/scenarios/korea-2019/download.yaml").text
    assert sc_yaml
    engines._cache._d.clear()
    r = client.get("/scenarios/korea-2019/forecast")
    engines._cache._d.clear()
    assert r.status_code == 200
    assert "no-such-model: failed" in r.text
    assert ("sanctions_relief", "mean") in cells(r.text)


def test_download_yaml_round_trips(client: TestClient, tmp_path: Path) -> None:
    r = client.get("/scenarios/korea-2019/download.yaml")
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="korea-2019.yaml"'
    p = tmp_path / "k.yaml"
    p.write_text(r.text, encoding="utf-8")
    assert load(p) == load("korea-2019")
    assert yaml.safe_load(r.text)["id"] == "korea-2019"


def test_download_report(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/report.html")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "<html" in r.text[:2000].lower()


def test_static_assets_are_served_locally(client: TestClient) -> None:
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:400] and "0BSD" in htmx.text[:400]
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert plotly.headers["content-type"].startswith("application/javascript")
    again = client.get("/static/plotly.min.js", headers={"If-None-Match": plotly.headers["etag"]})
    assert again.status_code == 304
    for url in ("/", "/scenarios/korea-2019", "/scenarios/korea-2019/forecast", "/scenarios/korea-2019/ledger"):
        html = client.get(url).text
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html), url


def test_unknown_pages_are_404(client: TestClient) -> None:
    for url in ("/scenarios/nope", "/scenarios/nope/forecast", "/scenarios/nope/download.yaml", "/nope"):
        r = client.get(url)
        assert r.status_code == 404, url


@pytest.mark.parametrize("case", ["sma-2020", "us-allies-burden"])
def test_public_record_cases_are_listed_and_open(client: TestClient, case: str) -> None:
    assert f'href="/scenarios/{case}"' in client.get("/").text
    r = client.get(f"/scenarios/{case}")
    assert r.status_code == 200
    assert html.escape(load(case).title, quote=False) in r.text

