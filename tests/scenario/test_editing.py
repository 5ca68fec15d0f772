"""Edits of plain scenario data (the builder's operations): quotes flagged when their figure moves, renames
that follow every reference, removals that say what goes with them."""

from __future__ import annotations

import pytest

from allied.errors import ScenarioError
from allied.scenario import editing as ed
from allied.scenario import load
from allied.scenario.validate import from_data
from allied.scenario.writer import to_data

SMA = ["stances", {"actor": "USA", "issue": "sma_term"}]


@pytest.fixture
def data() -> dict:
    return to_data(load("korea-2019"), json_safe=False)


def test_set_value_returns_a_copy_and_flags_the_quote(data: dict) -> None:
    new = ed.set_value(data, [*SMA, "position"], 3)
    assert ed.get(data, [*SMA, "position"]) == 1  # the input is left alone
    assert ed.get(new, [*SMA, "evidence", "edited_after_quote"]) == {"position": 1}
    new = ed.set_value(new, [*SMA, "position"], 4)
    assert ed.get(new, [*SMA, "evidence", "edited_after_quote"]) == {"position": 1}  # still the quoted value
    new = ed.set_value(new, [*SMA, "salience"], {"low": 10, "mode": 20, "high": 30})
    assert set(ed.get(new, [*SMA, "evidence", "edited_after_quote"])) == {"position", "salience"}
    new = ed.set_value(new, [*SMA, "position"], 1.0)
    assert set(ed.get(new, [*SMA, "evidence", "edited_after_quote"])) == {"salience"}
    assert from_data(new, {}, "t").stance("USA", "sma_term").evidence.edited_after_quote  # type: ignore[union-attr]


def test_an_estimate_without_quote_is_never_flagged(data: dict) -> None:
    st = next(s for s in data["stances"] if "quote" not in (s.get("evidence") or {}))
    path = ["stances", {"actor": st["actor"], "issue": st["issue"]}, "salience"]
    new = ed.set_value(data, path, 1)
    assert "edited_after_quote" not in (ed.get(new, [*path[:-1], "evidence"]) or {})


def test_a_mark_without_a_quote_is_refused(data: dict) -> None:
    cleared = ed.set_value(ed.set_value(data, [*SMA, "position"], 3), [*SMA, "evidence", "quote"], "other words")
    assert "edited_after_quote" not in ed.get(cleared, [*SMA, "evidence"])  # a replaced quote clears the mark
    new = ed.set_value(data, [*SMA, "evidence"], {"note": "estimate", "edited_after_quote": {"position": 1}})
    with pytest.raises(ScenarioError) as exc:
        from_data(new, {}, "t")
    assert any("edited_after_quote" in p.message for p in exc.value.problems)


def test_rename_follows_every_reference(data: dict) -> None:
    new = ed.rename(data, "actors", "USA", "US")
    assert not any(s["actor"] == "USA" for s in new["stances"])
    al = new.get("alliance") or {}
    assert "USA" not in (al.get("members") or []) and al.get("patron") != "USA"
    assert all("USA" not in (it.get("from"), it.get("to")) for it in al.get("items") or [])
    from_data(new, {}, "t")  # still valid
    new = ed.rename(data, "sources", "mishra2019", "mishra")
    assert not ed._citations(new, "mishra2019") and ed._citations(new, "mishra")
    from_data(new, {}, "t")
    with pytest.raises(ScenarioError):
        ed.rename(data, "actors", "USA", "ROK")


def test_removal_says_what_goes_and_takes_it(data: dict) -> None:
    effects = ed.removal_effects(data, ["issues"], {"id": "sma_term"})
    n = sum(1 for s in data["stances"] if s["issue"] == "sma_term")
    assert len([e for e in effects if e.startswith("the stance")]) == n
    new = ed.remove_entry(data, ["issues"], {"id": "sma_term"})
    assert not any(s["issue"] == "sma_term" for s in new["stances"])
    assert not any(o.get("issue") == "sma_term" for o in new["outcomes"])
    from_data(new, {}, "t")
    with pytest.raises(ScenarioError):
        ed.remove_entry(data, ["sources"], {"id": "mishra2019"})
