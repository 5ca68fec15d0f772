"""A run started by another Allied version is not resumed silently: its parts would mix two versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import allied
from allied.cli import app


def _run(tmp_path: Path) -> Path:
    out = tmp_path / "run"
    allied.sweep("korea-2019", "mean", 40, seed=1, store=out, workers=1, chunk_size=10)
    meta = json.loads((out / "run.json").read_text())
    meta["version"] = "0.0.1-old"
    (out / "run.json").write_text(json.dumps(meta))
    return out


def test_resume_refuses_another_version_unless_forced(tmp_path: Path) -> None:
    out = _run(tmp_path)
    with pytest.raises(allied.SweepError, match=r"started by Allied 0\.0\.1-old"):
        allied.sweep("korea-2019", "mean", 40, seed=1, store=out, resume=True, workers=1, chunk_size=10)
    res = CliRunner().invoke(app, ["sweep", "korea-2019", "-m", "mean", "-n", "40", "--seed", "1", "-o", str(out),
                                   "--resume", "--chunk-size", "10", "--workers", "1"])
    assert res.exit_code == 2 and "--force" in res.output
    forced = allied.sweep("korea-2019", "mean", 40, seed=1, store=out, resume=True, force=True, workers=1,
                          chunk_size=10)
    assert forced.samples_done == 40 and forced.resumed_chunks == 4
