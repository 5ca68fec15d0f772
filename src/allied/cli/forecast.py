"""``allied forecast``: every chosen model side by side, per issue."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, guarded, load_scenario, print_json
from allied.cli.options import FileArg, FormatCsvOpt, IssuesOpt, ModelsOpt, SetOpt


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)


def parse_params(items: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; values read as YAML scalars (numbers, words, true/false)."""
    out: dict[str, Any] = {}
    if not items:  # the YAML library loads only when there is a value to read (tests/test_startup.py)
        return out
    import yaml

    for item in items:
        if "=" not in item:
            raise UsageError(f"--param needs NAME=VALUE (got '{item}'), e.g. --param VictoryProbModel=Square")
        k, v = item.split("=", 1)
        try:
            out[k.strip()] = yaml.safe_load(v)
        except yaml.YAMLError:
            out[k.strip()] = v
    return out


@guarded
def forecast(
    file: FileArg,
    model: ModelsOpt = None,
    issue: IssuesOpt = None,
    rounds: Annotated[int | None, typer.Option("--rounds", "-r", help="rounds (default: each model's own)")] = None,
    variant: Annotated[str | None, typer.Option(help="EUM variant: scholz (default), paper, …")] = None,
    q: Annotated[float | None, typer.Option("--q", help="EUM status-quo probability Q (default 1)")] = None,
    ties: Annotated[str | None, typer.Option(help="exchange model ties: deterministic or random")] = None,
    details: Annotated[bool, typer.Option("--details", help="SMP: add the challenge EU matrix and bargains")] = False,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="any model parameter NAME=VALUE")] = None,
    seed: Annotated[int, typer.Option(help="seed for stochastic models")] = 0,
    set_: SetOpt = None,
    format: FormatCsvOpt = "table",
) -> None:
    """Forecast where each issue settles, with every chosen model side by side.

    Example: allied forecast korea-2019 --model all
    """
    from allied.models import run

    check_format(format, ("table", "json", "csv"))
    if rounds is not None and rounds < 0:
        raise UsageError("--rounds must be 0 or more")
    sc = load_scenario(file, set_)
    _analyst_warnings(sc, file)
    params = parse_params(param or [])
    for key, val in (("variant", variant), ("q", q), ("ties", ties)):
        if val is not None:
            params[key] = val
    if details:
        params["details"] = True
    res = run(sc, model or ["all"], issues=issue or None, rounds=rounds, seed=seed, params=params)
    if format == "json":
        print_json(res.to_json())
        return
    if format == "csv":
        from allied.serialise import spreadsheet_frame

        sys.stdout.write(spreadsheet_frame(res.frame(actors=True)).to_csv(index=False, lineterminator="\r\n"))
        return
    from allied.cli.render_forecast import forecast_tables

    for t in forecast_tables(sc, res.runs):
        console.print(t)
    _guidance(sc, list(issue) if issue else [i.id for i in sc.issues])


def _analyst_warnings(sc: Any, file: str) -> None:
    """Valid but probably unmeant inputs (0–1 saliences, estimates without a range), as ``validate`` warns:
    on standard error, so JSON and CSV output stay clean."""
    from allied.cli import print_problems
    from allied.scenario.validate import analyst_warnings

    advice = analyst_warnings(sc, {}, file)
    if advice:
        print_problems(advice, label="warning")


def _guidance(sc: Any, issues: list[str]) -> None:
    """Which models the case library scores best on issues of each kind: a statement of record."""
    from allied.journal.guidance import for_scenario

    try:
        items = for_scenario(sc, issues)
    except Exception as exc:  # guidance is a courtesy; the forecast stands without it
        console.print(f"(guidance from the case library unavailable: {exc})", highlight=False)
        return
    console.print("Track record of the models on issues of each kind (allied backtest; few cases, so a record, "
                  "not a verdict):", highlight=False)
    for g in items:
        console.print(f"  {g.sentence()}", highlight=False)


__all__ = ["Table", "forecast", "register"]
