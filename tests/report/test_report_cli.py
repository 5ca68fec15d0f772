"""``allied report`` and ``allied plot`` through the real CLI (typer's runner): files, formats, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from allied.cli import app

runner = CliRunner()


def test_report_writes_a_self_contained_file_with_overrides(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "korea-2019", "-o", str(out), "--samples", "0",
                              "--set", "stances.USA.sanctions_relief.position=33"])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output
    text = out.read_text(encoding="utf-8")
    assert 'id="sensitivity"' in text and "skipped (--samples 0)" in text
    assert not (tmp_path / "r.html.part").exists()
    # the --set override reaches the evidence table
    ev = text.split('id="evidence"')[1].split('id="forecast"')[0]
    block = ev.split("<h4>Sanctions relief for North Korea")[1].split("<h4>")[0]
    usa_row = block.split("<tr><td>USA</td>")[1].split("</tr>")[0]
    assert usa_row.startswith("<td class=num>33</td>")


@pytest.mark.parametrize(("args", "message"), [
    (["report", "korea-2019", "-o", "{tmp}"], "is a folder"),
    (["report", "korea-2019", "-o", "{tmp}/missing/r.html"], "does not exist"),
    (["report", "korea-2019", "-o", "{tmp}/r.html", "--samples", "-3"], "--samples must be 0 or more"),
    (["report", "no-such-scenario", "-o", "{tmp}/r.html"], "no-such-scenario"),
    (["plot", "korea-2019", "--figure", "pie", "-o", "{tmp}/f.png"], "unknown figure 'pie'"),
    (["plot", "korea-2019", "--figure", "trajectories", "-o", "{tmp}/f.gif"], "must end in .png, .svg, .pdf"),
    (["plot", "korea-2019", "--figure", "trajectories", "-i", "nope", "-o", "{tmp}/f.png"], "unknown issue 'nope'"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split())
    assert "Traceback" not in res.output


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_plot_formats(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"fig{suffix}"
    res = runner.invoke(app, ["plot", "korea-2019", "--figure", "forecast_comparison", "-o", str(out)])
    assert res.exit_code == 0, res.output
    head = out.read_bytes()[:8]
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert head.startswith(magic)


def test_plot_trajectories_of_one_issue(tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    res = runner.invoke(app, ["plot", "korea-2019", "--figure", "trajectories", "-i", "deal_structure",
                              "-m", "mean", "-o", str(out)])
    assert res.exit_code == 0, res.output
    svg = out.read_text()
    assert "deal structure: positions by round" in svg


def test_cli_default_sample_size_is_the_report_default() -> None:
    import inspect

    from allied.cli.report import report
    from allied.report import DEFAULT_SAMPLES

    assert inspect.signature(report).parameters["samples"].default == DEFAULT_SAMPLES
