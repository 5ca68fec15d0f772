"""``allied scenarios``, ``allied validate``, ``allied show``, ``allied export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, guarded, load_scenario, print_json
from allied.cli.safe import safe

FileArg = Annotated[str, typer.Argument(help="scenario file (YAML or CSV) or built-in name, e.g. korea-2019")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a value: PATH=VALUE (repeatable)")]


def register(app: typer.Typer) -> None:
    app.command("scenarios")(scenarios)
    app.command("validate")(validate)
    app.command("show")(show)
    app.command("export")(export)


@guarded
def scenarios() -> None:
    """List the built-in scenarios."""
    from allied.scenario import builtin_names, load

    table = Table(title="Built-in scenarios")
    for col in ("name", "title", "actors", "issues", "as of"):
        table.add_column(col)
    for name in builtin_names():
        sc = load(name)
        table.add_row(name, safe(sc.title), str(len(sc.actors)), str(len(sc.issues)), str(sc.as_of or ""))
    console.print(table)


@guarded
def validate(file: FileArg, set_: SetOpt = None) -> None:
    """Check a scenario file; exit 0 with a summary, or exit 2 listing every problem with its line."""
    from allied.scenario.load import detect, read_text

    sc = load_scenario(file, set_)
    fmt = detect(read_text(file)[0])
    quotes = sum(1 for s in sc.stances if s.evidence and s.evidence.quote)
    console.print(f"ok: {safe(file)} ({fmt}): scenario '{sc.id}', {len(sc.actors)} actors, {len(sc.issues)} issues, "
                  f"{len(sc.stances)} stances, {quotes} quoted", highlight=False)


@guarded
def show(
    file: FileArg,
    set_: SetOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or yaml")] = "table",
) -> None:
    """Print the normalised scenario: actors, issues, stances with their evidence."""
    from allied.scenario.writer import to_data, to_yaml

    check_format(format, ("table", "json", "yaml"))
    sc = load_scenario(file, set_)
    if format == "json":
        print_json(to_data(sc))
        return
    if format == "yaml":
        typer.echo(to_yaml(sc), nl=False)
        return
    from allied.cli.render import scenario_tables

    for t in scenario_tables(sc):
        console.print(t)


@guarded
def export(
    file: FileArg,
    to: Annotated[str, typer.Option("--to", help="yaml or ktab-csv")] = "yaml",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output file (default: standard output)")] = None,
    set_: SetOpt = None,
) -> None:
    """Write a scenario in another format (Allied YAML, or KTAB's SMP CSV to cross-check in KTAB)."""
    from allied.scenario.writer import to_ktab_csv, to_yaml

    check_format(to, ("yaml", "ktab-csv"))
    sc = load_scenario(file, set_)
    text = to_yaml(sc) if to == "yaml" else to_ktab_csv(sc)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}; choose a writable path") from None
    console.print(f"wrote {safe(out)}", highlight=False)
