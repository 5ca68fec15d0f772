"""The ``allied`` command: thin front end over the API. Parses, calls, prints.

Each command group lives in its own module with ``register(app)``. Exit codes (DESIGN §5): 0 ok, 2 bad
input (located message, never a traceback), 1 internal error (a bug: it says so and where to report it).
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from allied._process import collect_from_here, prepare_process
from allied.cli.safe import safe
from allied.errors import AlliedError, Problem, ScenarioError

app = typer.Typer(
    name="allied",
    help="Allied: forecast, stress-test and compare strategies in a geopolitical negotiation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

#: command modules, each with ``register(app)``
COMMAND_MODULES = ("scenario", "migrate", "forecast", "protocol", "ledger", "sweep", "report", "web", "draft",
                   "journal")

BUG_URL = "the Allied issue tracker (include the command and this message)"

F = TypeVar("F", bound=Callable[..., Any])


class UsageError(Exception):
    """A bad command-line argument (exit 2)."""


def print_problems(problems: Iterable[Problem], label: str = "error") -> None:
    problems = list(problems)
    colour = "red" if label == "error" else "yellow"
    err_console.print(f"[bold {colour}]{label}:[/] {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                      f"found" if label == "error" else f"[bold {colour}]{label}:[/] "
                      f"{len(problems)} warning{'s' if len(problems) != 1 else ''}", highlight=False)
    for p in problems:
        where = safe(f"{p.file}:{p.line}" if p.line else p.file)
        err_console.print(f"  [bold]{where}[/]: [cyan]{safe(p.field)}[/]: {safe(p.message)}\n      fix: {safe(p.fix)}",
                          highlight=False, markup=True, soft_wrap=True)


def guarded(fn: F) -> F:
    """Turn expected failures into exit 2 with a clear message and bugs into exit 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ScenarioError as exc:
            print_problems(exc.problems)
            raise typer.Exit(2) from None
        except (AlliedError, UsageError) as exc:
            err_console.print(f"[bold red]error:[/] {safe(exc)}", highlight=False)
            raise typer.Exit(2) from None
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:  # a bug: say so, never dump a traceback on the analyst
            import traceback

            tb = traceback.extract_tb(exc.__traceback__)
            where = f"{tb[-1].filename}:{tb[-1].lineno}" if tb else "?"
            err_console.print(f"[bold red]internal error[/] (a bug in Allied, not in your input): "
                              f"{type(exc).__name__}: {safe(exc)}\n  at {safe(where)}\n  please report it to {BUG_URL}",
                              highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def load_scenario(file: str, sets: list[str] | None = None) -> Any:
    """Load FILE (path or built-in name) with ``--set`` overrides; raises ScenarioError on bad input."""
    from allied.scenario import load

    return load(file, sets or [])


def print_json(data: Any) -> None:
    from allied.serialise import jsonable

    sys.stdout.write(json.dumps(jsonable(data), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n")


def check_format(fmt: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if fmt not in allowed:
        raise UsageError(f"--format must be one of {', '.join(allowed)} (got '{fmt}')")
    return fmt


def _version_callback(value: bool) -> None:
    if value:
        from allied import __version__

        typer.echo(f"allied {__version__} (scenario format {_format_version()})")
        raise typer.Exit(0)


def _format_version() -> int:
    from allied.scenario.migrate import CURRENT

    return CURRENT


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="print Allied's version and exit", is_eager=True,
                                 callback=_version_callback),
) -> None:
    """Allied: forecast, stress-test and compare strategies in a geopolitical negotiation."""
    collect_from_here()


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"allied.cli.{name}").register(app)


_register_all()


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``allied ARGS``. typer turns every registered command into a click command before
    it parses anything (≈ 15 ms of start-up for the 18 commands not run), so when the first argument names a
    command exactly, this is a copy of :data:`app` that holds that command alone, with the same callback and
    settings: parsing, help, errors and exit codes are the command's own either way. Anything else
    (``--help``, ``--version``, no argument, a misspelt command) gets the whole app, which lists or suggests
    the commands (tests/test_cli_one_command.py, tests/test_startup.py)."""
    chosen = [c for c in app.registered_commands if args and c.name == args[0]]
    if len(chosen) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = chosen
    return one


def main() -> None:
    """Run the ``allied`` command line (the script enters through :func:`allied._entry.main`)."""
    prepare_process()
    try:
        app_for(sys.argv[1:])()
    finally:
        collect_from_here()
