"""The script runs a named command through :func:`allied.cli.app_for`, an app that holds that command alone
(typer builds every registered command before parsing; docs/performance.md, "Command start-up"). What a user
sees must not depend on it: help, usage errors and exit codes are compared with the whole app's."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from allied.cli import app, app_for

COMMANDS = [c.name for c in app.registered_commands]


def test_a_named_command_gets_an_app_of_that_command_alone() -> None:
    one = app_for(["forecast", "korea-2019", "--model", "mean"])
    assert one is not app
    assert [c.name for c in one.registered_commands] == ["forecast"]
    assert one.registered_callback is app.registered_callback
    assert len(app.registered_commands) == len(COMMANDS) >= 10  # the whole app keeps every command


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["forecst", "korea-2019"], ["Forecast"],
                                  ["--version", "forecast"]])
def test_anything_but_a_command_name_first_gets_the_whole_app(args: list[str]) -> None:
    assert app_for(args) is app


def _same(args: list[str]) -> None:
    runner = CliRunner()
    whole = runner.invoke(app, args, terminal_width=100)
    one = runner.invoke(app_for(args), args, terminal_width=100)
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output), args


@pytest.mark.parametrize("name", COMMANDS)
def test_every_commands_help_is_the_same_through_either_app(name: str) -> None:
    _same([name, "--help"])


@pytest.mark.parametrize("args", [["forecast"], ["forecast", "korea-2019", "--bogus"],
                                  ["forecast", "--version"], ["forecast", "korea-2019", "--rounds", "x"],
                                  ["forecast", "korea-2019", "--model", "mean", "--format", "json"],
                                  ["validate", "no-such-file"]])
def test_errors_and_output_are_the_same_through_either_app(args: list[str]) -> None:
    _same(args)
