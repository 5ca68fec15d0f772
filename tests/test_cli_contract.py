"""The CLI's shared vocabulary: --version, and no flag letter with two meanings across commands."""

from __future__ import annotations

from collections import defaultdict

import typer
from typer.testing import CliRunner

import allied
from allied.cli import app


def test_version_prints_the_package_and_format_versions() -> None:
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.output.strip() == f"allied {allied.__version__} (scenario format 1)"


def _flags() -> dict[str, set[str]]:
    """``{short flag: {long names it stands for}}`` over every command."""
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert len(commands) >= 10
    out: dict[str, set[str]] = defaultdict(set)
    for name, cmd in commands.items():
        for p in cmd.params:
            shorts = [o for o in p.opts if len(o) == 2 and o.startswith("-")]
            longs = [o for o in p.opts if o.startswith("--")]
            for s in shorts:
                out[s].add(longs[0] if longs else f"{name}:{p.name}")
    return out


def test_no_flag_letter_has_two_meanings() -> None:
    clashes = {k: v for k, v in _flags().items() if len(v) > 1}
    assert clashes == {}, f"short flags used for different options: {clashes}"


def test_o_is_always_the_output_path() -> None:
    assert _flags()["-o"] == {"--output"}
