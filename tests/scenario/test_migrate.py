"""Format versions: load migrates in memory, `allied migrate` writes the upgrade, newer files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allied.cli import app
from allied.errors import ScenarioError
from allied.scenario import load
from allied.scenario import migrate as M

OLD = """allied: 1
id: tiny
title: Tiny
as_of: 2020-01-01
actors:
  - {id: A, name: A, capability: 1}
  - {id: B, name: B, capability: 1}
issues:
  - {id: x, name: X, scale: [0, 10]}
stances:
  - {actor: A, issue: x, position: 2, salience: 50, evidence: {note: an estimate}}
  - {actor: B, issue: x, position: 8, salience: 50, evidence: {note: an estimate}}
"""


@pytest.fixture
def version_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pretend format 2 that renamed every stance's `salience` to `weight` and back (so the data still
    validates under today's model once migrated) and recorded the step in the title."""

    def one_to_two(data: dict) -> dict:
        return {**data, "title": data["title"] + " (migrated)"}

    monkeypatch.setattr(M, "CURRENT", 2)
    monkeypatch.setattr(M, "STEPS", {1: one_to_two})
    import allied.scenario.model as model

    monkeypatch.setattr(model, "FORMAT_VERSION", 2)


def test_current_files_need_no_step() -> None:
    data = yaml.safe_load(OLD)
    out, passed = M.migrate(data, "f")
    assert passed == [] and out == data


def test_loading_an_old_file_migrates_in_memory(tmp_path: Path, version_two: None) -> None:
    f = tmp_path / "old.yaml"
    f.write_text(OLD)
    sc = load(f)
    assert sc.title == "Tiny (migrated)" and sc.allied == 2
    assert f.read_text() == OLD  # the file itself is untouched


def test_migrate_command_writes_the_upgrade_and_keeps_a_backup(tmp_path: Path, version_two: None) -> None:
    f = tmp_path / "old.yaml"
    f.write_text(OLD)
    res = CliRunner().invoke(app, ["migrate", str(f)])
    assert res.exit_code == 0, res.output
    assert "format version 1 -> 2" in res.output
    assert (tmp_path / "old.yaml.bak").read_text() == OLD
    new = yaml.safe_load(f.read_text())
    assert new["allied"] == 2 and new["title"] == "Tiny (migrated)"


def test_migrate_on_a_current_file_changes_nothing(tmp_path: Path) -> None:
    f = tmp_path / "cur.yaml"
    f.write_text(OLD)
    res = CliRunner().invoke(app, ["migrate", str(f)])
    assert res.exit_code == 0 and "nothing to do" in res.output
    assert f.read_text() == OLD and not (tmp_path / "cur.yaml.bak").exists()


@pytest.mark.parametrize(("version", "message"), [(3, "newer than this Allied"), (0, "not one Allied ever wrote"),
                                                  ("one", "whole number")])
def test_unknown_versions_are_located_errors(tmp_path: Path, version: object, message: str) -> None:
    f = tmp_path / "v.yaml"
    f.write_text(OLD.replace("allied: 1", f"allied: {version}"))
    with pytest.raises(ScenarioError) as err:
        load(f)
    assert message in str(err.value) and err.value.problems[0].field == "allied"
    res = CliRunner().invoke(app, ["validate", str(f)])
    assert res.exit_code == 2 and message in res.output
