"""``allied record``, ``allied journal``, ``allied score``, ``allied backtest``: the forecast journal and the
track record of every model against the naive baselines (docs/track-record.md)."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, guarded, load_scenario, print_json
from allied.cli.options import FileArg, FormatCsvOpt, ModelsOpt, SetOpt

JournalOpt = Annotated[Path | None, typer.Option("--journal",
                                                 help="journal file (default $ALLIED_HOME/journal.sqlite)")]


def register(app: typer.Typer) -> None:
    app.command("record")(record)
    app.command("journal")(journal)
    app.command("score")(score)
    app.command("backtest")(backtest)


def _samples(n: int) -> int:
    if n < 0 or n > 100_000:
        raise UsageError(f"--samples must be between 0 and 100000 (got {n})")
    return n


@guarded
def record(
    file: FileArg,
    model: ModelsOpt = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="draws of the uncertain inputs (0: points only)")] = 0,
    seed: Annotated[int, typer.Option(help="seed of the draws")] = 0,
    note: Annotated[str | None, typer.Option("--note", help="free text stored with the record")] = None,
    journal_: JournalOpt = None,
    again: Annotated[bool, typer.Option("--again", help="store even if the same content is already recorded")] = False,
    set_: SetOpt = None,
) -> None:
    """Record every chosen model's forecast (and the two naive baselines) in the journal.

    Example: allied record korea-2019 --samples 200 --note "before the talks"
    """
    from allied.journal import Journal, forecasts, scenario_hash

    sc = load_scenario(file, set_)
    names = forecasts.model_names(model)
    j = Journal(journal_)
    digest = scenario_hash(sc)
    dup = j.find_duplicate(digest, names, _samples(samples), seed)
    if dup is not None and not again:
        console.print(f"already recorded as #{dup}: the same scenario content ({digest[:12]}), models, samples and "
                      f"seed; nothing stored (pass --again to store another record)", highlight=False)
        return
    fs = forecasts.make(sc, names, samples=samples, seed=seed)
    rid = j.add(sc, fs, source=file, note=note)
    console.print(f"recorded #{rid}: {sc.id} ({digest[:12]}), as of {sc.as_of or 'unknown'}, "
                  f"models {', '.join(names)}, {samples} samples → {j.path}", highlight=False)


@guarded
def journal(journal_: JournalOpt = None, format: FormatCsvOpt = "table") -> None:
    """List the journal's records (newest last)."""
    from allied.journal import Journal

    check_format(format, ("table", "json", "csv"))
    recs = Journal(journal_).records()
    rows = [{"id": r.id, "created": r.created, "scenario": r.scenario_id, "hash": r.scenario_hash[:12],
             "as_of": r.as_of, "models": ",".join(r.models), "samples": r.samples, "seed": r.seed,
             "version": r.version, "note": r.note or ""} for r in recs]
    if format == "json":
        print_json({"journal": str(Journal(journal_).path), "records": rows})
        return
    if format == "csv":
        _csv(rows, ["id", "created", "scenario", "hash", "as_of", "models", "samples", "seed", "version", "note"])
        return
    t = Table(title=f"Journal {Journal(journal_).path} ({len(rows)} records)")
    for col in ("id", "created", "scenario", "hash", "as of", "models", "samples", "note"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(str(r[k] if r[k] is not None else "") for k in ("id", "created", "scenario", "hash", "as_of",
                                                                    "models", "samples", "note")))
    console.print(t)


@guarded
def score(
    targets: Annotated[list[str] | None,
                       typer.Argument(help="record ids or scenario files (none: every record)")] = None,
    model: ModelsOpt = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="draws for a FILE forecast now (0: points)")] = 200,
    seed: Annotated[int, typer.Option(help="seed of the draws for a FILE")] = 0,
    outcomes: Annotated[str | None, typer.Option("--outcomes", help="take outcomes from this scenario file "
                                                                     "(e.g. the record's scenario, updated)")] = None,
    journal_: JournalOpt = None,
    format: FormatCsvOpt = "table",
) -> None:
    """Score records (or fresh forecasts of scenario files) against the outcomes dated after as_of.

    Example: allied score 3 --outcomes my-scenario.yaml
    """
    from allied.journal import Journal, forecasts, resolve, scores

    check_format(format, ("table", "json", "csv"))
    j = Journal(journal_)
    items: list[tuple[str, Any, Any]] = []  # (label, scenario, forecast set)
    if not targets:
        for rec in j.records():
            items.append((f"#{rec.id}", rec.scenario(), j.forecasts(rec)))
        if not items:
            raise UsageError(f"the journal {j.path} holds no records; record one with 'allied record FILE', "
                             "or score a file: 'allied score FILE'")
    for t in targets or []:
        if _is_record_ref(t, j):
            rec = j.get(t)
            items.append((f"#{rec.id}", rec.scenario(), j.forecasts(rec)))
        else:
            sc = load_scenario(t)
            items.append((sc.id, sc, forecasts.make(sc, model, samples=_samples(samples), seed=seed)))
    override = load_scenario(outcomes) if outcomes else None
    rows: list[Any] = []
    context: list[dict[str, Any]] = []
    for label, sc, fs in items:
        src = _with_outcomes(sc, override) if override is not None else sc
        rows += scores.score(src, fs, case=label)
        context += [{"case": label, "outcome": r.outcome.id, "status": r.status, "reason": r.reason}
                    for r in resolve(src) if not r.scorable]
    tot = scores.totals(rows)
    if format == "json":
        from allied.serialise import jsonable

        print_json(jsonable({"totals": [t.as_dict() for t in tot], "rows": [r.as_dict() for r in rows],
                          "not_scored": context}))
        return
    if format == "csv":
        _csv([r.as_dict() for r in rows], list(scores.COLUMNS))
        return
    if not rows:
        console.print("nothing to score: no outcome has a number and a date after as_of", highlight=False)
    else:
        console.print(_totals_table(tot, "Scores per model (skill: 1 − error / baseline error; % of scale)"))
        console.print(_rows_table(rows))
    for c in context:
        console.print(f"not scored: {c['case']} {c['outcome']}: {c['reason']}", highlight=False)


@guarded
def backtest(
    sources: Annotated[list[str] | None,
                       typer.Argument(help="scenario files or folders (none: the built-in library)")] = None,
    model: ModelsOpt = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="draws per case for intervals and CRPS")] = 200,
    seed: Annotated[int, typer.Option(help="seed of the draws and the bootstrap")] = 0,
    ensemble_weights: Annotated[str, typer.Option("--ensemble-weights",
                                                  help="library (leave-one-case-out) or equal")] = "library",
    format: FormatCsvOpt = "table",
) -> None:
    """Forecast and score every case with scorable outcomes; every model against both naive baselines.

    Example: allied backtest --format json
    """
    from allied.journal import backtest as B

    check_format(format, ("table", "json", "csv"))
    from allied.models.ensemble import METHODS

    if ensemble_weights not in METHODS:
        raise UsageError(f"--ensemble-weights must be {' or '.join(METHODS)} (got '{ensemble_weights}')")
    res = B.run(sources or [], model, samples=_samples(samples), seed=seed, ensemble_weights=ensemble_weights)
    if format == "json":
        print_json(res.to_json())
        return
    if format == "csv":
        from allied.journal.scores import COLUMNS

        _csv([r.as_dict() for r in res.rows], list(COLUMNS))
        return
    console.print(f"{len(res.cases)} cases, {len({(r.case, r.outcome) for r in res.rows})} scored outcomes, "
                  f"{res.samples} samples per case, {res.seconds:.1f} s", highlight=False)
    console.print(_totals_table(res.totals, "Backtest: every model against the naive baselines"))
    console.print(_versus_table(res.totals))
    console.print(_rows_table(res.rows))
    if res.ensemble_weights:
        t = Table(title="Ensemble weights per left-out case (fitted on the other cases only)")
        names = list(next(iter(res.ensemble_weights.values())))
        t.add_column("left out")
        for n in names:
            t.add_column(n, justify="right")
        for case, w in res.ensemble_weights.items():
            t.add_row(case, *(f"{w[n]:.2f}" for n in names))
        console.print(t)
    for src, why in res.skipped:
        console.print(f"skipped {src}: {why}", highlight=False)
    for m, why in res.unscored.items():
        console.print(f"not scored: model {m}: {why} (the library has no such outcome yet)", highlight=False)


# --- helpers ------------------------------------------------------------------------------------
def _is_record_ref(t: str, j: Any) -> bool:
    if t.isdigit():
        return True
    if Path(t).exists():
        return False
    from allied.scenario import builtin_names

    if t in builtin_names():
        return False
    return len(t) >= 6 and all(c in "0123456789abcdef" for c in t.lower()) and j.path.exists()


def _with_outcomes(sc: Any, other: Any) -> Any:
    """``sc`` with the outcomes of ``other`` (a later version of the same scenario)."""
    known = {i.id for i in sc.issues}
    bad = [o.id for o in other.outcomes if o.issue is not None and o.issue not in known]
    if bad:
        raise UsageError(f"--outcomes: outcome(s) {', '.join(bad)} name issues the recorded scenario does not have; "
                         f"use the same scenario, updated with its outcomes")
    return sc.model_copy(update={"outcomes": list(other.outcomes)})


def _f(v: Any, fmt: str = "{:.3g}", none: str = "–") -> str:
    if v is None:
        return none
    if isinstance(v, bool):
        return "yes" if v else "no"
    return fmt.format(v)


def _totals_table(tot: list[Any], title: str) -> Table:
    t = Table(title=title)
    for col in ("model", "skill vs status quo", "skill vs cs-mean", "error % of actual", "error % of scale",
                "in p25–p75", "in p05–p95", "CRPS % of scale", "outcomes", "cases"):
        t.add_column(col, justify="left" if col == "model" else "right")
    for m in tot:
        t.add_row(m.model + (" (baseline)" if m.baseline else ""), _f(m.skill_vs_status_quo, "{:+.2f}"),
                  _f(m.skill_vs_cs_mean, "{:+.2f}"), _f(m.mean_err_pct_actual, "{:.1f}"),
                  _f(m.mean_err_pct_scale, "{:.1f}"), _f(m.coverage_p25_p75, "{:.0%}"),
                  _f(m.coverage_p05_p95, "{:.0%}"),
                  _f(m.mean_crps_pct_scale, "{:.1f}"), str(m.outcomes), str(m.cases))
    return t


def _versus_table(tot: list[Any]) -> Table:
    t = Table(title="Win/loss against each baseline, and a 90 % paired bootstrap interval of the difference in mean "
                    "error (% of scale; below 0 = better than the baseline)")
    for col in ("model", "vs status quo: W/L/T", "mean diff [90 % CI]", "vs cs-mean: W/L/T", "mean diff [90 % CI]"):
        t.add_column(col, justify="left" if col == "model" else "right")
    for m in tot:
        if m.baseline:
            continue
        cells = []
        for v in (m.vs_status_quo, m.vs_cs_mean):
            cells.append(f"{v['wins']}/{v['losses']}/{v['ties']} of {v['n']}")
            ci = v["ci90"]
            cells.append("–" if v["mean_diff_pct_scale"] is None else
                         f"{v['mean_diff_pct_scale']:+.1f}" + ("" if ci is None else f" [{ci[0]:+.1f}, {ci[1]:+.1f}]"))
        t.add_row(m.model, *cells)
    return t


def _rows_table(rows: list[Any]) -> Table:
    t = Table(title="Per outcome")
    for col in ("case", "issue", "model", "skill vs SQ", "skill vs cs-mean", "err % actual", "err % scale",
                "p25–p75", "p05–p95", "abs error", "forecast", "actual"):
        t.add_column(col, justify="left" if col in ("case", "issue", "model") else "right")
    for r in rows:
        t.add_row(r.case, r.issue, r.model, _f(r.skill_vs_status_quo, "{:+.2f}"), _f(r.skill_vs_cs_mean, "{:+.2f}"),
                  _f(r.err_pct_actual, "{:.1f}"), _f(r.err_pct_scale, "{:.1f}"), _f(r.in_p25_p75), _f(r.in_p05_p95),
                  _f(r.abs_error, "{:.4g}") + (f" {r.units}" if r.units else ""), _f(r.forecast, "{:.4g}"),
                  _f(r.actual, "{:.4g}"))
    return t


def _csv(rows: list[dict[str, Any]], cols: list[str]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    sys.stdout.write(buf.getvalue())
