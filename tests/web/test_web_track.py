"""The Track record tab: scored outcomes, context, the library's skill against both baselines, guidance."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def test_track_tab_scores_after_as_of_only(client: TestClient) -> None:
    r = client.get("/scenarios/korea-2019/track")
    assert r.status_code == 200, r.text
    text = html.unescape(re.sub(r"<[^>]+>", " ", r.text))
    text = " ".join(text.split())
    assert "Track record" in text
    scores = text[text.index("This scenario: scores per outcome"):text.index("This scenario: context")]
    assert "sma_2021_amount" in scores and "sma_2019_won" not in scores
    context = text[text.index("This scenario: context"):]
    assert "sma_2019_won" in context and "known at the time" in context
    for col in ("skill vs status quo", "skill vs cs-mean", "error % of actual", "error % of scale"):
        assert col in text
    assert "Case library: " in text and "Calibration of the intervals" in r.text
    assert 'href="/scenarios/korea-2019/track"' in r.text


def test_track_tab_for_an_unknown_scenario_is_404(client: TestClient) -> None:
    assert client.get("/scenarios/nope/track").status_code == 404


def test_track_tab_with_an_unreadable_journal_says_so(client: TestClient, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged journal file is reported on the tab (as the report does), never a server error."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "journal.sqlite").write_text("not a database")
    monkeypatch.setenv("ALLIED_HOME", str(home))
    r = client.get("/scenarios/greece-2015/track")
    assert r.status_code == 200, r.text[-500:]
    assert "The journal could not be read" in html.unescape(r.text)
