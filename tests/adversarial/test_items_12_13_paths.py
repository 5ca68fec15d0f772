"""Items 12 and 13 of issue 20: an unusable run registry or ALLIED_HOME, and an unwritable report or plot
output, are reported (exit 2, naming the path) before anything is computed or created."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from adversarial_helpers import cli


def test_item12_garbage_registry_refused_before_the_run_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path))
    (tmp_path / "runs.sqlite").write_bytes(b"this is not a database" * 100)
    out = tmp_path / "run"
    r = cli("sweep", "korea-2019", "-m", "mean", "--samples", "4", "--out", str(out))
    assert r.code == 2 and "runs.sqlite" in r.flat and "internal" not in r.err
    assert not out.exists()


def test_item12_foreign_registry_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path))
    with sqlite3.connect(tmp_path / "runs.sqlite") as con:
        con.execute("CREATE TABLE runs (id INTEGER, name TEXT)")
    r = cli("sweep", "korea-2019", "-m", "mean", "--samples", "4", "--out", str(tmp_path / "run"))
    assert r.code == 2 and "another program" in r.flat
    assert cli("runs").code == 2


def test_item12_allied_home_is_a_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    home.write_text("x")
    monkeypatch.setenv("ALLIED_HOME", str(home))
    r = cli("serve", "--port", "1")
    assert r.code == 2 and "is a file, not a folder" in r.flat
    r = cli("sweep", "korea-2019", "-m", "mean", "--samples", "4")
    assert r.code == 2 and "internal" not in r.err


@pytest.mark.parametrize("args", [("report", "korea-2019", "-o"),
                                  ("plot", "korea-2019", "--figure", "forecast-comparison", "-o")])
@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_item13_unwritable_output_refused_before_computing(tmp_path: Path, args: tuple[str, ...], where: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import allied.cli.report as cli_report

    def never(*a: object, **k: object) -> None:
        raise AssertionError("the scenario was read before the output path was checked")

    monkeypatch.setattr(cli_report, "load_scenario", never)
    name = "r.html" if args[0] == "report" else "f.png"
    if where == "under-a-file":
        (tmp_path / "plain").write_text("x")
        target = tmp_path / "plain" / name  # the "folder" is a file
    else:
        target = Path("/proc") / name  # no file can be created there, not even by root
    r = cli(*args, str(target))
    assert r.code == 2 and "internal" not in r.err, r.text
    assert "cannot write" in r.flat
