"""``allied sweep``, ``allied sensitivity`` and ``allied runs``: uncertainty at scale (DESIGN §5, §6)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, err_console, guarded, load_scenario, print_json
from allied.cli.options import FileArg, FormatOpt, IssuesOpt, SetOpt
from allied.cli.safe import safe
from allied.errors import SweepError

ModelOpt = Annotated[str, typer.Option("--model", "-m",
                                       help="a forecast model (eum, mean, smp, …), protocol or ledger")]
RoundsOpt = Annotated[int | None, typer.Option("--rounds", "-r", help="rounds (default: the model's own)")]
ParamOpt = Annotated[list[str] | None, typer.Option("--param", "-p", help="model parameter NAME=VALUE")]


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
    app.command("sensitivity")(sensitivity)
    app.command("runs")(runs)


def _params(items: list[str] | None) -> dict[str, Any]:
    from allied.cli.forecast import parse_params

    return parse_params(items or [])


@guarded
def sweep(
    file: FileArg,
    model: ModelOpt,
    samples: Annotated[int, typer.Option("--samples", "-n", help="number of Monte Carlo samples")],
    seed: Annotated[int, typer.Option(help="seed; sample i draws from its own stream [seed, i]")] = 0,
    engine: Annotated[str, typer.Option(help="local (process pool) or dask")] = "local",
    workers: Annotated[int | None, typer.Option(help="worker processes (default: one per core)")] = None,
    scheduler: Annotated[str | None, typer.Option(help="address of a running Dask scheduler (tcp://host:8786)")] = None,
    out: Annotated[str | None, typer.Option("--output", "--out", "-o",
                                            help="run folder (default under $ALLIED_HOME/runs)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue the run in --out, skip finished chunks")] = False,
    force: Annotated[bool, typer.Option("--force", help="with --resume: continue a run another Allied version "
                                                        "started")] = False,
    chunk_size: Annotated[int | None, typer.Option("--chunk-size", help="samples per chunk (default ~N/16)")] = None,
    rounds: RoundsOpt = None,
    issue: Annotated[list[str] | None, typer.Option("--issue", "-i", help="forecast only these issues")] = None,
    param: ParamOpt = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for --scheduler")] = 10.0,
    set_: SetOpt = None,
    format: FormatOpt = "table",
) -> None:
    """Run a Monte Carlo sweep over every uncertain value and store the samples as Parquet.

    Example: allied sweep korea-2019 --model eum --samples 10000 --out runs/eum
    """
    from allied.sweeps import run
    from allied.sweeps.runner import default_out

    check_format(format, ("table", "json"))
    from allied.models.limits import check_rounds
    from allied.sweeps.limits import check_sweep_options

    check_sweep_options(samples, seed, chunk_size)  # before anything is read or allocated
    check_rounds(rounds)
    if resume and out is None:
        raise UsageError("--resume needs --out RUNDIR, the folder of the run to continue")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    sc = load_scenario(file, set_)
    from allied.sweeps.inputs import scenario_inputs

    if len(scenario_inputs(sc)) == 0:
        err_console.print("note: this scenario has no uncertain values, so every sample is the same; give "
                          "figures as ranges ({low, high}, {low, mode, high} or {mean, sd}) to sweep them",
                          highlight=False)
    store = out or default_out(sc, model)
    try:
        res = run(sc, model, samples, issues=issue or None, seed=seed, store=store, resume=resume, engine=engine,
                  workers=workers, scheduler=scheduler, chunk_size=chunk_size, rounds=rounds, progress=True,
                  params=_params(param), timeout=timeout, force=force)
    except KeyboardInterrupt:  # finished chunks stay on disk: say how to pick the run up again
        err_console.print(f"interrupted: the finished chunks are kept in {safe(store)}; continue with the same "
                          f"command and --out {safe(store)} --resume", highlight=False)
        raise typer.Exit(130) from None
    if format == "json":
        print_json(res.to_json())
        return
    t = Table(title=f"{sc.id} · {safe(model)}: {res.target} over {res.samples_done:,} samples", title_justify="left")
    key_name = {"p_full": "protocol", "total": "year/viewpoint/lens/unit"}.get(res.target, "issue")
    t.add_column(key_name, overflow="fold")
    cols = ["mean", "sd", "p05", "p50", "p95"]
    cols += [c for c in next(iter(res.summary.values()), {}) if c not in cols and c != "n"]  # e.g. p_no_deal
    for col in cols:
        t.add_column(col, justify="right")
    for key, st in res.summary.items():
        t.add_row(safe(key), *(_fmt(st.get(c)) for c in cols))
    console.print(t)
    extra = f", {res.resumed_chunks} chunks were already done" if res.resumed_chunks else ""
    console.print(f"samples in {safe(res.out)}/samples/*.parquet ({res.seconds:.1f} s{extra})", highlight=False)


@guarded
def sensitivity(
    file: FileArg,
    model: ModelOpt,
    method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
    samples: Annotated[int, typer.Option("--samples", "-n",
                                         help="base samples (Sobol: N(K+2) runs; Morris: trajectories)")] = 256,
    issue: IssuesOpt = None,
    seed: Annotated[int, typer.Option(help="seed of the sample design")] = 0,
    top: Annotated[int, typer.Option(help="inputs shown per issue in the table")] = 10,
    rounds: RoundsOpt = None,
    param: ParamOpt = None,
    set_: SetOpt = None,
    format: FormatOpt = "table",
    until_stable: Annotated[bool, typer.Option(
        "--until-stable", help="double --samples until the top three inputs of every issue stop changing "
                               "(within --max-samples)")] = False,
    max_samples: Annotated[int, typer.Option("--max-samples", help="budget of --until-stable")] = 8192,
) -> None:
    """Which uncertain inputs drive each forecast: Sobol or Morris indices (SALib), each with its bootstrap
    confidence interval; the table says when a ranking is not yet stable at this sample size.

    Example: allied sensitivity korea-2019 --method sobol --model eum --issue cost_sharing
    """
    from allied.sweeps import sensitivity as run_sensitivity

    check_format(format, ("table", "json"))
    if method not in ("sobol", "morris"):
        raise UsageError(f"--method must be sobol or morris (got '{method}')")
    if samples < 2:
        raise UsageError(f"--samples must be 2 or more (got {samples})")
    from allied.models.limits import check_rounds
    from allied.sweeps.limits import check_sweep_options

    check_sweep_options(samples, seed)
    check_rounds(rounds)
    if top < 1:
        raise UsageError(f"--top must be 1 or more (got {top}); it is how many inputs each issue's table shows")
    if until_stable:
        try:
            check_sweep_options(max_samples, seed)
        except SweepError as e:  # the limit is --samples'; name the option the user typed
            raise UsageError(str(e).replace("--samples", "--max-samples", 1)) from None
    sc = load_scenario(file, set_)

    def analyse(n: int) -> Any:
        return run_sensitivity(sc, model, method=method, samples=n, issues=issue or None, seed=seed,
                               rounds=rounds, params=_params(param))

    res = analyse(samples)
    growth: list[str] = []
    if until_stable:
        res, growth = _until_stable(analyse, res, samples, max_samples)
    if format == "json":
        data = res.to_json()
        if until_stable:
            data["until_stable"] = {"steps": growth, "stable": bool(growth) and growth[-1].startswith("stable")}
        print_json(data)
        return
    cols = ("S1", "S1_conf", "ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    for key in res.indices:
        t = Table(title=f"{sc.id} · {safe(model)} · {safe(key)}: {method} indices ({res.evaluations:,} runs)",
                  title_justify="left")
        t.add_column("#", justify="right")
        t.add_column("input", overflow="fold")
        for c in cols:
            t.add_column(c, justify="right")
        for r, (name, m) in enumerate(res.ranked(key)[:top], start=1):
            t.add_row(str(r), safe(name), *(_fmt(m[c]) for c in cols))
        console.print(t)
        for r, a, b in res.overlaps(key):
            console.print(f"  [yellow]ranking not yet stable:[/] ranks {r} and {r + 1} ({safe(a)}, {safe(b)}) "
                          f"overlap within their 95% confidence intervals at {res.samples:,} samples; rerun with "
                          "more --samples or --until-stable", highlight=False)
        for name in res.beyond_one(key):
            console.print(f"  [yellow]index above 1[/] for {safe(name)}: a variance share cannot exceed 1, so this "
                          f"is sampling error at {res.samples:,} samples (see its confidence interval)",
                          highlight=False)
    for line in growth:
        console.print(f"  {safe(line)}", highlight=False)


def _until_stable(analyse: Any, res: Any, samples: int, budget: int) -> tuple[Any, list[str]]:
    """Double the base sample until every issue's top three inputs are the same at two successive sizes
    (or the budget is spent); returns the last result and one line per step."""
    steps = []
    n = samples
    while True:
        if 2 * n > budget:
            steps.append(f"not stable within --max-samples {budget:,}: at {n:,} samples the top ranks still "
                         "changed or overlapped; raise --max-samples or accept the ranks shown as uncertain")
            return res, steps
        n *= 2
        nxt = analyse(n)
        changed = [k for k in nxt.indices if nxt.top(k) != res.top(k)]
        unsure = [k for k in nxt.indices if nxt.overlaps(k)]
        steps.append(f"{n:,} samples: top three " + ("changed for " + ", ".join(changed) if changed else "unchanged")
                     + (f"; confidence intervals of top ranks overlap for {', '.join(unsure)}" if unsure else ""))
        res = nxt
        if not changed and not unsure:
            steps.append(f"stable: the top three inputs of every issue are the same at {n // 2:,} and {n:,} samples, "
                         "and their confidence intervals are apart")
            return res, steps


@guarded
def runs(format: FormatOpt = "table") -> None:
    """List the sweeps recorded in the run registry ($ALLIED_HOME/runs.sqlite)."""
    from allied.sweeps.registry import list_runs, registry_path

    check_format(format, ("table", "json"))
    rows = list_runs()
    if format == "json":
        print_json({"registry": str(registry_path()), "runs": rows})
        return
    if not rows:
        err_console.print(f"no runs recorded yet in {safe(registry_path())}", highlight=False)
        return
    t = Table(title=f"runs in {safe(registry_path())}", title_justify="left")
    for col in ("started", "scenario", "model", "samples", "done", "seed", "status", "out"):
        t.add_column(col, justify="right" if col in ("samples", "done", "seed") else "left", overflow="fold")
    for r in rows:
        started = dt.datetime.fromtimestamp(r["started"]).strftime("%Y-%m-%d %H:%M") if r["started"] else ""
        status = r["status"] if r["exists"] else "deleted"
        t.add_row(started, safe(r["scenario"]), safe(r["model"]), f"{r['samples']:,}", f"{r['samples_done'] or 0:,}",
                  str(r["seed"]), status, safe(r["out"]))
    console.print(t)


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    a = abs(v)
    return f"{v:,.1f}" if a >= 1000 else f"{v:.3g}" if a < 0.01 and v != 0 else f"{v:.3f}"


__all__ = ["register", "runs", "sensitivity", "sweep"]
