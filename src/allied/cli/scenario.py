"""``allied scenarios``, ``allied validate``, ``allied show``, ``allied export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, err_console, guarded, load_scenario, print_json
from allied.cli.options import FileArg, SetValueOpt
from allied.cli.safe import safe


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


NoSourcesOpt = Annotated[bool, typer.Option("--no-sources", help="skip checking quotes against source files")]
SourceDirOpt = Annotated[list[str] | None, typer.Option(
    "--source-dir", help="folder to look for source files in (repeatable; also $ALLIED_SOURCES)")]


@guarded
def validate(
    file: FileArg,
    set_: SetValueOpt = None,
    no_sources: NoSourcesOpt = False,
    source_dir: SourceDirOpt = None,
    record_hashes: Annotated[bool, typer.Option(
        "--record-hashes", help="write each verified source file's sha256 into the scenario file")] = False,
) -> None:
    """Check a scenario file; exit 0 with a summary, or exit 2 listing every problem with its line.
    Every quote is checked against its source file when the file is at hand (docs/sources.md)."""
    from allied.cli import print_problems
    from allied.errors import ScenarioError
    from allied.scenario.load import detect, is_workbook, load_data, read_text
    from allied.scenario.overrides import apply_overrides
    from allied.scenario.validate import analyst_warnings, from_data

    if is_workbook(file):  # problems located at their cells (case.xlsx!stances!D14)
        if record_hashes:
            raise UsageError("--record-hashes writes into YAML scenarios; for a workbook, type the sha256 in the "
                             "sources sheet (or export it to YAML first)")
        sc, fmt, name = load_scenario(file, set_), "xlsx", file
        lines: dict[Any, int] = {}
    else:
        data, lines, name = load_data(file)
        if set_:
            data = apply_overrides(data, set_, name)
        sc = from_data(data, lines, name)
        fmt = detect(read_text(file)[0])
    quotes = sum(1 for s in sc.stances if s.evidence and s.evidence.quote)
    summary = ""
    if not no_sources and any(s.path for s in sc.sources):
        from allied.scenario.sources import verify

        res = verify(sc, file, source_dir or [])
        warnings = res.warnings(file, lines)
        if warnings:
            print_problems(warnings, label="warning")
        errors = res.errors(file, lines)
        if record_hashes:  # the analyst re-checked a changed file: its quotes decide, and its hash is re-recorded
            errors = [e for e in errors if not (e.field.endswith(".sha256") and "has changed" in e.message)]
        if errors:
            raise ScenarioError(errors)
        n = res.counts()
        summary = f"; quotes: {n.get('verified', 0)} verified against their sources"
        if n.get("not_at_hand"):
            summary += f", {n['not_at_hand']} not checked (source not at hand)"
        if record_hashes:
            summary += _record_hashes(file, fmt, res, lines)
        else:
            unrecorded = [s for s in res.sources.values() if s.text is not None and not s.recorded]
            for s in unrecorded:
                assert s.text is not None
                console.print(f"note: source '{s.id}' ({s.file}) has no sha256 yet; "
                              f"--record-hashes writes sha256: {s.text.sha256}", highlight=False)
    elif record_hashes:
        raise UsageError("--record-hashes needs source files to check (no source names a path, or --no-sources)")
    console.print(f"ok: {safe(file)} ({fmt}): scenario '{sc.id}', {len(sc.actors)} actors, {len(sc.issues)} issues, "
                  f"{len(sc.stances)} stances, {quotes} quoted{summary}", highlight=False)
    advice = analyst_warnings(sc, lines, name)  # valid, but probably not what the analyst meant
    if advice:
        print_problems(advice, label="warning")
    _outcome_notes(sc)


def _record_hashes(file: str, fmt: str, res: Any, lines: dict[Any, int]) -> str:
    from allied.scenario.sources.record import record_hashes

    if fmt != "yaml" or not Path(file).is_file():
        raise UsageError(f"--record-hashes writes into a YAML scenario file; {file} is not one "
                         "(copy a built-in first: allied show NAME --format yaml > my.yaml)")
    done = record_hashes(Path(file), res, lines)
    return f"; recorded sha256 of {', '.join(done)}" if done else "; every sha256 already recorded"


def _outcome_notes(sc: Any) -> None:
    """How many outcomes can be scored, and a warning naming each one dated on or before as_of."""
    from allied.scenario.outcomes import resolve

    if not sc.outcomes:
        return
    res = resolve(sc)
    n = sum(1 for r in res if r.scorable)
    console.print(f"outcomes: {n} of {len(res)} scorable (a number, dated after as_of {sc.as_of or 'unknown'})",
                  highlight=False)
    for r in res:
        if r.status in ("known", "bad-date", "no-as-of"):
            err_console.print(f"[yellow]warning:[/] outcome '{r.outcome.id}' {r.reason}", highlight=False)


@guarded
def show(
    file: FileArg,
    set_: SetValueOpt = None,
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
    to: Annotated[str, typer.Option("--to", help="yaml, ktab-csv or xlsx")] = "yaml",
    out: Annotated[Path | None, typer.Option("--output", "--out", "-o",
                                             help="output file (default: standard output)")] = None,
    set_: SetValueOpt = None,
) -> None:
    """Write a scenario in another format (Allied YAML, KTAB's SMP CSV to cross-check in KTAB, or an .xlsx
    workbook to edit in a spreadsheet)."""
    from allied.scenario.writer import to_ktab_csv, to_yaml

    check_format(to, ("yaml", "ktab-csv", "xlsx"))
    sc = load_scenario(file, set_)
    if to == "xlsx":
        from allied.scenario.xlsx import to_xlsx_bytes

        if out is None:
            raise UsageError("a workbook is binary: give the file to write with -o, e.g. -o case.xlsx")
        try:
            out.write_bytes(to_xlsx_bytes(sc))
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}; choose a writable path") from None
        console.print(f"wrote {out}")
        return
    text = to_yaml(sc) if to == "yaml" else to_ktab_csv(sc)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}; choose a writable path") from None
    console.print(f"wrote {safe(out)}", highlight=False)
