"""``allied protocol``: compare negotiation protocols (big deal, small deals, step-by-step) as equilibria."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import check_format, console, guarded, load_scenario, print_json
from allied.cli.options import FormatOpt, ShortFileArg
from allied.cli.safe import safe


def register(app: typer.Typer) -> None:
    app.command("protocol")(protocol)


@guarded
def protocol(
    file: ShortFileArg,
    protocol: Annotated[list[str] | None, typer.Option(
        "--protocol", help="protocol to compare (repeatable): big-deal, small-deal, step-by-step, "
                                 "small-then-big, starting-small or one defined in the file")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="override a value, e.g. protocol.divergence=1")]
    = None,
    format: FormatOpt = "table",
) -> None:
    """Solve each protocol as a perfect Bayesian equilibrium and compare outcomes and each actor's ranking.

    Example: allied protocol korea-2019 --set protocol.divergence=1
    """
    from allied.protocols import run

    check_format(format, ("table", "json"))
    sc = load_scenario(file, set_)
    result = run(sc, protocol or None)
    if format == "json":
        data = result.to_json()
        data = {"scenario": getattr(sc, "id", file), **data}
        print_json(data)
        return
    if getattr(result, "family", "") == "cost-sharing":
        render_cost_sharing(result, getattr(sc, "id", file))
        return
    render(result, getattr(sc, "id", file))


def render_cost_sharing(result: Any, title: str) -> None:
    """The cost-sharing family: one column per protocol, ★ on each side's favourite, dominated ones marked."""
    t = result.table
    pat, cli = result.players
    top = {a: r[0] for a, r in result.rankings.items()}
    table = Table(title=f"Protocols (cost-sharing) — {safe(title)}", title_justify="left", header_style="bold")
    table.add_column("", style="bold", no_wrap=True)
    names = list(t.index)
    for name in names:
        table.add_column(safe(name) + ("\n[cyan](chosen)[/]" if name == result.chosen else ""), justify="right")

    def row(label: str, fmt: Any, col: str, actor: str | None = None) -> None:
        cells = []
        for n in names:
            s = fmt(t.loc[n, col])
            cells.append(f"[bold green]★ {s}[/]" if actor and top.get(actor) == n else s)
        table.add_row(safe(label), *cells)

    row("term (years)", str, "term")
    row("indexed to", lambda v: "budget" if v == "budget" else "—", "index")
    row("negotiations", lambda v: f"{int(v)}", "negotiations")
    row("P(every deal)", lambda v: _pct(float(v)), "p_full")
    row("mean contribution", lambda v: f"{float(v):.4g}", "contribution")
    table.add_section()
    row(f"value {pat}", lambda v: f"{float(v):.4g}", f"V_{pat}", pat)
    row(f"value {cli}", lambda v: f"{float(v):.4g}", f"V_{cli}", cli)
    row("dominated by", lambda v: safe(", ".join(v)) or "—", "dominated_by")
    row("max regret", lambda v: f"{float(v):.0e}", "max_regret")
    console.print(table)
    for actor, ranking in result.rankings.items():
        console.print(f"  [bold]{safe(f'{actor:8s}')}[/] " + safe(" > ".join(ranking)), highlight=False)
    console.print(f"  chosen by {safe(result.chooser)}: [bold cyan]{safe(result.chosen)}[/]", highlight=False)
    for note in result.notes[:1]:
        console.print(f"  [dim]{safe(note)}[/]", highlight=False)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render(result: Any, title: str) -> None:
    """A table an analyst reads at a glance: one column per protocol, ★ on each actor's favourite."""
    t = result.table
    top = {a: r[0] for a, r in result.rankings.items()}
    table = Table(title=f"Protocols — {safe(title)}", title_justify="left", header_style="bold", show_lines=False)
    table.add_column("", style="bold", no_wrap=True)
    for name in t.index:
        head = safe(name) + ("\n[cyan](chosen)[/]" if name == result.chosen else "")
        table.add_column(head, justify="right", overflow="fold")
    names = list(t.index)

    def row(label: str, fmt: Any, col: str, actor: str | None = None) -> None:
        cells = []
        for n in names:
            s = fmt(float(t.loc[n, col]))
            cells.append(f"[bold green]★ {s}[/]" if actor and top.get(actor) == n else s)
        table.add_row(label, *cells)

    row("P(full deal)", _pct, "p_full")
    row("  if sincere", _pct, "p_full_sincere")
    row("  if stalling", _pct, "p_full_stalling")
    row("denuclearisation", "{:.2f}".format, "denuclearisation")
    row("relief kept", "{:.2f}".format, "relief")
    row("US exploited", _pct, "us_exploitation")
    row("NK exploited", _pct, "nk_exploitation")
    row("stages done", "{:.1f}".format, "stages")
    table.add_section()
    row("value USA", "{:.2f}".format, "V_USA", "USA")
    row("value ROK", "{:.2f}".format, "V_ROK", "ROK")
    row("value PRK sincere", "{:.2f}".format, "V_PRK_sincere", "PRK-sincere")
    row("value PRK stalling", "{:.2f}".format, "V_PRK_stalling", "PRK-stalling")
    table.add_section()
    table.add_row("P(sincere) path", *[" ".join(f"{b:.2f}" for b in result.beliefs(n)) for n in names])
    if (t["engagement"] != "fixed").any():
        table.add_row("Seoul engages", *[str(t.loc[n, "engagement"]) for n in names])
    row("max regret", "{:.0e}".format, "max_regret")
    console.print(table)
    for actor, ranking in result.rankings.items():
        console.print(f"  [bold]{safe(f'{actor:13s}')}[/] " + safe(" > ".join(ranking)), highlight=False)
    console.print(f"  chosen by {safe(result.chooser)}: [bold cyan]{safe(result.chosen)}[/]; equilibrium selection "
                  f"'{safe(result.selection)}'; grid error {float(t['grid_error'].max()):.0e}", highlight=False)
    for note in result.notes[:1]:
        console.print(f"  [dim]{safe(note)}[/]", highlight=False)
