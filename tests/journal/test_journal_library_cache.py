"""The case library's one cache: the members' forecasts of the library, computed once (models layer), feed both
the ensemble's weights and the journal's score rows from one entry, and a change of source invalidates it.

The journal's scorer and the ensemble's errors are checked against a fresh backtest, which runs the models
itself, in ``test_journal_backtest.py``; here the subject is the cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import allied.journal
import allied.journal.library as J
import allied.models
import allied.models.ensemble._library as L
from allied.models.ensemble import library_fit, member_names


def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process memoised, as a new process would."""
    monkeypatch.setattr(L, "_MEMO", {})
    monkeypatch.setattr(J, "_MEMO", {})


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def _copy_sources(pkg: Any, to: Path) -> Path:
    """A copy of a package's ``*.py`` files, to edit without touching the real ones."""
    root = Path(pkg.__file__).parent
    for f in root.rglob("*.py"):
        dest = to / f.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.read_bytes())
    return to / "__init__.py"


def test_the_journal_and_the_ensemble_read_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path))
    _fresh(monkeypatch)
    import allied.models.base

    runs = _counted(monkeypatch, L, "_compute")
    model_runs = _counted(monkeypatch, allied.models.base, "run_model")
    members = member_names()
    rows = J.library_rows(members)
    fit = library_fit()
    assert len(runs) == 1, "the members ran once for both consumers"
    both = len(model_runs)
    (entry,) = (tmp_path / "cache").iterdir()
    assert set(json.loads(entry.read_text())["derived"]) == {"journal"}
    # the journal scored exactly the forecasts the ensemble is fitted on
    errors = {(e.case, e.model, e.outcome): e for e in L.member_errors(members)}
    scored = {(r.case, r.model, r.outcome): r for r in rows if not r.baseline}
    assert scored.keys() == errors.keys() and len(errors) >= 9 * 5
    assert all(scored[k].forecast == e.forecast and scored[k].err_pct_scale == e.err_pct_scale
               for k, e in errors.items())
    assert {r.model for r in rows if r.baseline} == {"status-quo", "cs-mean"}
    # a new process finds the entry: the same rows and weights, and no model runs
    _fresh(monkeypatch)
    assert J.library_rows(members) == rows and library_fit() == fit
    assert len(runs) == 1 and len(model_runs) == both
    # neither consumer ran a model beyond what the entry itself needs
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path / "other"))
    _fresh(monkeypatch)
    L.member_errors(members)
    assert both == len(model_runs) - both > 0


def test_a_changed_source_invalidates_the_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path / "home"))
    models = _copy_sources(allied.models, tmp_path / "models")
    journal = _copy_sources(allied.journal, tmp_path / "journal")
    monkeypatch.setattr(allied.models, "__file__", str(models))
    monkeypatch.setattr(allied.journal, "__file__", str(journal))
    _fresh(monkeypatch)
    runs = _counted(monkeypatch, L, "_compute")
    scorings = _counted(monkeypatch, J, "_compute")
    members = ["mean", "median"]
    rows = J.library_rows(members)
    first = L._cache_file(members)
    assert (len(runs), len(scorings)) == (1, 1)
    _fresh(monkeypatch)
    assert J.library_rows(members) == rows and (len(runs), len(scorings)) == (1, 1)
    # a model's source changes: another entry, and the members run again
    mean = models.parent / "mean" / "__init__.py"
    mean.write_text(mean.read_text() + "\n# changed\n")
    _fresh(monkeypatch)
    assert J.library_rows(members) == rows and (len(runs), len(scorings)) == (2, 2)
    assert L._cache_file(members) != first
    # the journal's source changes: its part is scored again from the cached forecasts; no model runs
    scores = journal.parent / "scores.py"
    scores.write_text(scores.read_text() + "\n# changed\n")
    _fresh(monkeypatch)
    assert J.library_rows(members) == rows and (len(runs), len(scorings)) == (2, 3)
    _fresh(monkeypatch)
    assert J.library_rows(members) == rows and (len(runs), len(scorings)) == (2, 3)


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each source or scenario edit keys a new entry; writing one keeps only the KEEP newest, other files
    in the folder untouched."""
    import os

    monkeypatch.setenv("ALLIED_HOME", str(tmp_path))
    _fresh(monkeypatch)
    folder = tmp_path / "cache"
    folder.mkdir()
    for k in range(L.KEEP + 3):
        f = folder / f"library-old{k:02d}.json"
        f.write_text("{}")
        os.utime(f, (1_000_000 + k, 1_000_000 + k))
    (folder / "other.json").write_text("{}")
    monkeypatch.setattr(L, "_compute", lambda members: [])
    L.member_errors(["mean"])
    left = sorted(p.name for p in folder.glob("library-*.json"))
    assert len(left) == L.KEEP
    assert L._cache_file(["mean"]).name in left  # the new entry is kept
    assert "library-old00.json" not in left and f"library-old{L.KEEP + 2:02d}.json" in left  # the oldest go
    assert (folder / "other.json").exists()
