"""``allied report`` (self-contained HTML report) and ``allied plot`` (one paper figure)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from allied.cli import UsageError, console, guarded, load_scenario
from allied.cli.options import FileArg, SetValueOpt
from allied.cli.safe import safe


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("plot")(plot)


def _writable(out: Path) -> None:
    """Refuse an output path that cannot be written, before anything is computed (opened for appending,
    so an existing file is left as it is, and a file created by the check is removed again)."""
    if out.is_dir():
        raise UsageError(f"-o {out} is a folder; give a file name, e.g. -o {out / 'report.html'}")
    if not out.parent.exists():
        raise UsageError(f"the folder {out.parent} does not exist; create it or choose another -o")
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: {out.parent} is a file, not a folder; choose another -o")
    existed = out.exists()
    try:
        with out.open("ab"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}; choose a path you can write to") from None
    if not existed:
        out.unlink(missing_ok=True)


@guarded
def report(
    file: FileArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")] = Path("report.html"),
    samples: Annotated[int, typer.Option("--samples", "-n", help="sweep size for the sensitivity section "
                                                                  "(0 skips it)")] = 256,
    seed: Annotated[int, typer.Option(help="seed for stochastic models and the sweep")] = 0,
    set_: SetValueOpt = None,
    source_dir: Annotated[list[str] | None, typer.Option(
        "--source-dir", help="folder with the sources' files, to show each quote's status (repeatable)")] = None,
    no_sources: Annotated[bool, typer.Option("--no-sources", help="do not check quotes against sources")] = False,
) -> None:
    """Write one self-contained HTML report (works offline, printable): evidence, forecasts, protocols,
    ledger, sensitivity and outcomes. Each quote shows whether it was verified against its source file,
    and its passage on demand (docs/sources.md).

    Example: allied report korea-2019 -o report.html
    """
    from allied.report import write_report

    if samples < 0:
        raise UsageError("--samples must be 0 or more")
    _writable(output)
    sc = load_scenario(file, set_)
    t0 = time.perf_counter()
    quotes = None
    if not no_sources and any(s.path for s in sc.sources):
        from allied.scenario.sources import verify

        quotes = verify(sc, file, source_dir or [])
    path = write_report(sc, output, samples=samples, seed=seed, quotes=quotes)
    size = path.stat().st_size / 1e6
    console.print(f"wrote {safe(path)} ({size:.1f} MB) in {time.perf_counter() - t0:.1f} s", highlight=False)


@guarded
def plot(
    file: FileArg,
    figure: Annotated[str, typer.Option("--figure", "-F", help="trajectories, forecast-comparison, "
                                                                "protocol-comparison, tornado, ledger, outcomes")],
    output: Annotated[Path, typer.Option("--output", "-o", help="fig.png, fig.svg or fig.pdf")],
    issue: Annotated[str | None, typer.Option("--issue", "-i", help="issue (trajectories, tornado)")] = None,
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="only these models (repeatable); "
                                                                            "tornado: the model to analyse")] = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="tornado: base sample size")] = 64,
    set_: SetValueOpt = None,
) -> None:
    """Draw one publication figure with matplotlib (PNG, SVG or PDF from the file name).

    Example: allied plot korea-2019 --figure trajectories --issue deal_structure -o traj.pdf
    """
    from allied.report.plot import FORMATS, FigureUnavailable, make_figure, normalise_name, save_figure

    try:
        name = normalise_name(figure)
        if output.suffix.lower() not in FORMATS:
            raise FigureUnavailable(f"-o must end in {', '.join(FORMATS)} (got '{output.name}')")
        _writable(output)
        sc = load_scenario(file, set_)
        fig = make_figure(sc, name, issue=issue, models=model, samples=samples)
        save_figure(fig, output)
    except FigureUnavailable as exc:
        raise UsageError(str(exc)) from None
    console.print(f"wrote {safe(output)}", highlight=False)
