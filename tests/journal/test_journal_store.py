"""The SQLite journal: round trip, duplicate detection, atomic writes under SIGKILL, bad files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from allied.cli import app
from allied.journal import Journal, make, scenario_hash
from allied.scenario import load

SCENARIO = """allied: 1
id: tiny
title: Tiny
as_of: 2020-01-01
actors:
  - {id: A, name: A, capability: 1}
  - {id: B, name: B, capability: 2}
issues:
  - {id: x, name: X, scale: [0, 10], status_quo: 5}
stances:
  - {actor: A, issue: x, position: {low: 0, high: 4}, salience: 50, evidence: {note: hand}}
  - {actor: B, issue: x, position: 8, salience: 50, evidence: {note: hand}}
outcomes:
  - {id: o, issue: x, value: 7, date: 2021-01-01, description: d, source: s}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


def test_round_trip_keeps_points_and_samples(tiny: Path, tmp_path: Path) -> None:
    sc = load(tiny)
    fs = make(sc, ["mean", "median"], samples=64, seed=3)
    j = Journal(tmp_path / "j.sqlite")
    rid = j.add(sc, fs, source=str(tiny), note="n")
    rec = j.get(rid)
    assert rec.scenario_hash == scenario_hash(sc) and rec.as_of == "2020-01-01" and rec.note == "n"
    assert rec.scenario().model_dump(mode="json") == sc.model_dump(mode="json")
    assert scenario_hash(rec.scenario()) == rec.scenario_hash
    back = j.forecasts(rec)
    for m in ("mean", "median", "status-quo", "cs-mean"):
        assert back.models[m]["x"].point == fs.models[m]["x"].point
    np.testing.assert_array_equal(back.models["mean"]["x"].samples, fs.models["mean"]["x"].samples)
    assert back.models["status-quo"]["x"].samples is None
    q = {r["model"]: r for r in j.quantile_table(rec)}
    assert q["mean"]["p05"] <= q["mean"]["p50"] <= q["mean"]["p95"]
    assert j.get(rec.scenario_hash[:10]).id == rid


def test_record_twice_is_detected(tiny: Path, tmp_path: Path) -> None:
    jp = str(tmp_path / "j.sqlite")
    args = ["record", str(tiny), "--model", "mean", "--journal", jp]
    r1 = CliRunner().invoke(app, args)
    assert r1.exit_code == 0 and "recorded #1" in r1.output
    r2 = CliRunner().invoke(app, args)
    assert r2.exit_code == 0 and "already recorded as #1" in " ".join(r2.output.split())
    assert len(Journal(jp).records()) == 1
    r3 = CliRunner().invoke(app, [*args, "--again"])
    assert "recorded #2" in r3.output
    lst = CliRunner().invoke(app, ["journal", "--journal", jp, "--format", "json"])
    assert [r["id"] for r in __import__("json").loads(lst.output)["records"]] == [1, 2]


def test_score_a_record(tiny: Path, tmp_path: Path) -> None:
    jp = str(tmp_path / "j.sqlite")
    CliRunner().invoke(app, ["record", str(tiny), "--model", "mean", "--samples", "50", "--journal", jp])
    r = CliRunner().invoke(app, ["score", "1", "--journal", jp, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = __import__("json").loads(r.output)
    models = {row["model"] for row in data["rows"]}
    assert models == {"mean", "status-quo", "cs-mean"}
    assert "NaN" not in r.output


def test_sigkill_during_record_leaves_no_partial_record(tiny: Path, tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    env = {**os.environ, "ALLIED_JOURNAL_TEST_PAUSE": "30"}
    cmd = [str(Path(sys.executable).parent / "allied"), "record", str(tiny), "--model", "mean", "--samples", "20",
           "--journal", str(jp)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # wait until the process is inside the write transaction, its first row written, then kill it without
        # any chance to clean up
        deadline = time.monotonic() + 90
        marker = Path(str(jp) + ".test-paused")
        while time.monotonic() < deadline and not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.05)
        assert marker.exists(), "the record never reached its write"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    con = sqlite3.connect(jp)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in ("records", "forecasts", "samples"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    finally:
        con.close()
    # the journal works afterwards
    r = CliRunner().invoke(app, ["record", str(tiny), "--model", "mean", "--journal", str(jp)])
    assert r.exit_code == 0 and "recorded #" in r.output
    assert len(Journal(jp).records()) == 1


def test_not_a_journal_exits_2(tiny: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("this is not a database\n" * 100)
    r = CliRunner().invoke(app, ["journal", "--journal", str(bad)])
    assert r.exit_code == 2
    assert "not a usable journal" in " ".join(r.output.split())


@pytest.mark.parametrize("damage", [
    "UPDATE records SET models = '{bad'",
    "UPDATE records SET scenario_json = 'not json'",
    "UPDATE records SET scenario_json = '{\"id\": 3}'",
    "UPDATE records SET samples = 'x'",
    "UPDATE samples SET parquet = x'0102'",
    "UPDATE forecasts SET point = 'abc'",
    "UPDATE forecasts SET point = 1e999",
])
def test_damaged_record_exits_2_naming_it(tiny: Path, tmp_path: Path, damage: str) -> None:
    """A hand-edited or damaged row of a valid SQLite journal is a located error (exit 2), never a
    traceback nor an infinite forecast scored into the JSON."""
    jp = str(tmp_path / "j.sqlite")
    r = CliRunner().invoke(app, ["record", str(tiny), "--model", "mean", "--samples", "20", "--journal", jp])
    assert r.exit_code == 0, r.output
    with sqlite3.connect(jp) as con:
        con.execute(damage)
    r = CliRunner().invoke(app, ["score", "--journal", jp, "--format", "json"])
    assert r.exit_code == 2, r.output
    assert "record #1" in " ".join(r.output.split())


def test_unknown_record_exits_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["score", "42", "--journal", str(tmp_path / "j.sqlite")])
    assert r.exit_code == 2 and "no record '42'" in r.output


def test_content_hash_is_the_run_stores() -> None:
    from allied.sweeps.store import scenario_hash as run_store_hash

    sc = load("korea-2019")
    assert scenario_hash(sc) == run_store_hash(sc)
    assert scenario_hash(sc) != scenario_hash(sc.model_copy(update={"title": "another"}))
