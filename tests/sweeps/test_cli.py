"""``allied sweep``/``sensitivity``/``runs`` on the command line: output contract and bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allied.cli import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def _err(r) -> str:
    return " ".join((r.stderr if hasattr(r, "stderr") else r.output).split())  # undo rich's line wrapping


def test_sweep_json_contract_and_runs_listing(tmp_path: Path):
    out = tmp_path / "run"
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "50", "--workers", "1", "--out", str(out),
             "--format", "json")
    assert r.exit_code == 0, _err(r)
    data = json.loads(r.stdout)
    assert data["samples_planned"] == data["samples_done"] == 50
    assert data["out"] == str(out.resolve())
    stats = data["summary"]["mean"]["sanctions_relief"]
    assert stats["p05"] <= stats["p50"] <= stats["p95"] and stats["sd"] > 0
    r = _run("runs", "--format", "json")
    assert r.exit_code == 0
    runs = json.loads(r.stdout)["runs"]
    assert runs[0]["out"] == str(out.resolve()) and runs[0]["samples_done"] == 50
    r = _run("runs")
    assert r.exit_code == 0 and "korea-2019" in r.stdout


def test_sweep_table_output(tmp_path: Path):
    r = _run("sweep", "korea-2019", "--model", "median", "--samples", "20", "--workers", "1",
             "--out", str(tmp_path / "t"))
    assert r.exit_code == 0, _err(r)
    assert "cost_sharing" in r.stdout and "p95" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--samples", "-5"], "--samples must be 1 or more"),
    (["--samples", "0"], "--samples must be 1 or more"),
    (["--samples", "10", "--workers", "0"], "--workers must be 1 or more"),
    (["--samples", "10", "--engine", "spark"], "--engine must be 'local' or 'dask'"),
    (["--samples", "10", "--model", "nosuchmodel"], "unknown model 'nosuchmodel'"),
    (["--samples", "10", "--resume"], "--resume needs --out"),
    (["--samples", "10", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler needs --engine dask"),
    (["--samples", "10", "--format", "xml"], "--format must be one of"),
])
def test_bad_arguments_exit_2_with_a_message(args, message):
    base = ["sweep", "korea-2019"] + ([] if "--model" in args else ["--model", "mean"])
    r = _run(*base, *args)
    assert r.exit_code == 2, r.output
    assert message in _err(r)
    assert "Traceback" not in r.output


def test_unwritable_out_exits_2(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--workers", "1",
             "--out", str(blocker / "run"))
    assert r.exit_code == 2
    assert "cannot write the run to --out" in _err(r)
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--workers", "1", "--out", str(blocker))
    assert r.exit_code == 2 and "is a file, not a folder" in _err(r)
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--workers", "1", "--out", str(tmp_path))
    assert r.exit_code == 2 and "holds other files" in _err(r)  # never mix a run into someone's folder


def test_out_holding_another_scenarios_run_exits_2(tmp_path: Path):
    other = tmp_path / "other.csv"  # a one-issue table: a different scenario
    other.write_text("actor,capability,position,salience\nA,10,20,50\nB,20,80,70\nC,5,40,90\n")
    out = tmp_path / "run"
    assert _run("sweep", str(other), "--model", "mean", "--samples", "5", "--workers", "1",
                "--out", str(out)).exit_code == 0
    for extra in ([], ["--resume"]):
        r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--workers", "1", "--out", str(out),
                 *extra)
        assert r.exit_code == 2
        msg = _err(r)
        assert ("already holds a run of scenario 'other'" in msg) if not extra else ("scenario changed" in msg)


def test_resume_refuses_changed_parameters(tmp_path: Path):
    out = tmp_path / "run"
    assert _run("sweep", "korea-2019", "--model", "mean", "--samples", "8", "--workers", "1",
                "--out", str(out)).exit_code == 0
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "8", "--seed", "4", "--workers", "1",
             "--out", str(out), "--resume")
    assert r.exit_code == 2 and "refusing to resume" in _err(r) and "seed" in _err(r)
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "8", "--workers", "1", "--out", str(out),
             "--resume", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["samples_done"] == 8


def test_unreachable_scheduler_exits_2_quickly():
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--engine", "dask",
             "--scheduler", "tcp://127.0.0.1:9", "--timeout", "1")
    assert r.exit_code == 2
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in _err(r)


def test_sensitivity_json_every_issue_of_korea():
    r = _run("sensitivity", "korea-2019", "--method", "sobol", "--model", "mean", "--samples", "64",
             "--format", "json")
    assert r.exit_code == 0, _err(r)
    data = json.loads(r.stdout)
    import allied

    ids = {i.id for i in allied.load("korea-2019").issues}
    assert set(data["issues"]) == ids
    for iss in ids:
        idx = data["issues"][iss]["indices"]
        assert idx, iss
        for name, m in idx.items():
            assert set(m) == {"S1", "S1_conf", "ST", "ST_conf"}
            assert name.startswith(("actors.", "stances."))


def test_sensitivity_morris_table_and_bad_method():
    r = _run("sensitivity", "korea-2019", "--method", "morris", "--model", "mean", "--samples", "10",
             "--issue", "sanctions_relief")
    assert r.exit_code == 0, _err(r)
    assert "mu_star" in r.stdout and "sanctions_relief" in r.stdout
    r = _run("sensitivity", "korea-2019", "--method", "fast", "--model", "mean")
    assert r.exit_code == 2 and "--method must be sobol or morris" in _err(r)
    r = _run("sensitivity", "korea-2019", "--model", "mean", "--issue", "nosuch")
    assert r.exit_code == 2 and "nosuch" in _err(r)


def test_negative_seed_and_unusable_allied_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--seed", "-1", "--workers", "1",
             "--out", str(tmp_path / "s"))
    assert r.exit_code == 2 and "--seed must be a whole number of 0 or more" in _err(r)
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("ALLIED_HOME", str(blocker))
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "5", "--workers", "1", "--out", str(tmp_path / "h"))
    assert r.exit_code == 2 and "cannot open the run registry" in _err(r) and "ALLIED_HOME" in _err(r)


@pytest.mark.parametrize(("model", "param", "words"), [
    ("protocol", "grid=0", "--param grid must be a whole number from 3 to 2001"),  # 0 used to mean the default
    ("protocol", "grid=1", "--param grid must be a whole number from 3 to 2001"),  # was an internal error
    ("protocol", "grid=100000000000", "--param grid must be a whole number from 3 to 2001"),
    ("protocol", "grid=.nan", "--param grid must be a whole number from 3 to 2001"),
    ("protocol", "selection=foo", "--param selection must be one of talks, us, stall"),
    ("protocol", "foo=1", "takes the parameters protocols, grid and selection, not foo"),
    ("ledger", "foo=1", "the ledger sweep takes the parameter year only, not foo"),  # was ignored
    ("ledger", "year=next", "--param year must be a whole year"),
    ("ledger", "year=1900", "no items that year; years present: 2016, 2018, 2019"),  # was an empty table
])
def test_engine_settings_out_of_their_domain_are_located_errors(tmp_path: Path, model: str, param: str,
                                                                 words: str) -> None:
    out = tmp_path / "run"
    r = _run("sweep", "korea-2019", "--model", model, "--samples", "4", "--workers", "1", "--out", str(out),
             "--param", param)
    assert r.exit_code == 2, _err(r)
    assert words in _err(r)
    assert not (out / "samples").exists() or not any((out / "samples").iterdir())


@pytest.mark.parametrize("model", ["protocol", "ledger"])
def test_rounds_on_an_engine_without_rounds_is_a_located_error(tmp_path: Path, model: str) -> None:
    r = _run("sweep", "korea-2019", "--model", model, "--samples", "4", "--workers", "1", "--out",
             str(tmp_path / "run"), "--rounds", "5")
    assert r.exit_code == 2, _err(r)
    assert f"--rounds applies to forecast models; the {model} engine runs no rounds" in _err(r)


def test_an_interrupted_sweep_says_how_to_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Ctrl-C keeps the finished chunks; the message names the folder and the --resume command (exit 130)."""
    import allied.sweeps

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(allied.sweeps, "run", interrupted)
    out = tmp_path / "run"
    r = _run("sweep", "korea-2019", "--model", "mean", "--samples", "50", "--out", str(out))
    assert r.exit_code == 130
    assert f"--out {out} --resume" in _err(r) and "finished chunks are kept" in _err(r)
